package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This director's Node as the owner of its Lease and its Director object, so that Kubernetes'
 * garbage collector deletes both when the node is deleted (as it does a node's own Lease), and
 * no director of a node gone for good lingers. Read once; a Node that cannot be read (not
 * found, no permission) is logged once and asked for again after {@link #RETRY}: the objects
 * are written without an owner meanwhile, and given one once it is known.
 */
final class NodeOwner {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOwner.class);
  static final Duration RETRY = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final String node;
  private final Clock clock;
  private OwnerReference owner;
  private Instant nextTry = Instant.MIN;
  private boolean reported;

  NodeOwner(KubernetesClient client, String node, Clock clock) {
    this.client = client;
    this.node = node;
    this.clock = clock;
  }

  /** The owner reference to this director's Node, once it could be read. */
  synchronized Optional<OwnerReference> reference() {
    if (owner == null && !clock.instant().isBefore(nextTry)) {
      try {
        Node n = client.nodes().withName(node).get();
        if (n != null) {
          // no blockOwnerDeletion: it would need the right to set finalizers on nodes
          owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(node)
              .withUid(n.getMetadata().getUid()).build();
          return Optional.of(owner);
        }
        missing("not found");
      } catch (RuntimeException e) {
        missing(e.getMessage());
      }
      nextTry = clock.instant().plus(RETRY);
    }
    return Optional.ofNullable(owner);
  }

  private void missing(String why) {
    if (!reported) {
      LOG.warn("director {}: cannot read its Node ({}); its Lease and Director object stay when the node is deleted",
          node, why);
      reported = true;
    }
  }

  /** True when {@code object} lacks the owner and was given it (the caller writes it). */
  boolean adopt(HasMetadata object) {
    Optional<OwnerReference> ref = reference();
    if (ref.isEmpty()) {
      return false;
    }
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences() == null ? new ArrayList<>()
        : new ArrayList<>(object.getMetadata().getOwnerReferences());
    if (refs.stream().anyMatch(r -> ref.get().getUid().equals(r.getUid()))) {
      return false;
    }
    refs.add(ref.get());
    object.getMetadata().setOwnerReferences(refs);
    return true;
  }
}
