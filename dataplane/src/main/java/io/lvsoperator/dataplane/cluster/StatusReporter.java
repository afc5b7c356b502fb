package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this director's {@code Director.status}, only when what it says changed (applied
 * generation, conditions, unhealthy real servers, the addresses it announces) and no more often than the shared
 * configuration allows, so a hundred directors applying a change do not flood the API server.
 * Creates the Director object when it is missing (the operator of the shared contract leaves it
 * to the dataplane). One line per outage, not per failed write.
 */
final class StatusReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final KubernetesClient client;
  private final String node;
  private final AgentTarget target;
  private final Clock clock;
  private final NodeOwner owner;
  /** The object as our last write left it; null until read or after a conflict. */
  private Director object;
  private List<Object> written;
  private Instant lastWrite = Instant.EPOCH;
  private boolean apiDown;

  StatusReporter(KubernetesClient client, String node, AgentTarget target, Clock clock, NodeOwner owner) {
    this.client = client;
    this.owner = owner;
    this.node = node;
    this.target = target;
    this.clock = clock;
  }

  /** Writes the status if it changed and {@code minInterval} passed since the last write. */
  void report(Duration minInterval) {
    Instant now = clock.instant();
    try {
      if (object == null) {
        object = client.resources(Director.class).withName(node).get();
        if (object == null) {
          object = create();
        } else if (owner.adopt(object)) {
          // created by an earlier version, or before the Node could be read
          object = client.resources(Director.class).resource(object).update();
          LOG.info("director {}: its Director object is now owned by its Node", node);
        }
        written = digest(object.getStatus());
      }
      DirectorStatus status = target.status(object.getStatus(), now);
      List<Object> digest = digest(status);
      if (digest.equals(written) || Duration.between(lastWrite, now).compareTo(minInterval) < 0) {
        return;
      }
      object.setStatus(status);
      object = client.resources(Director.class).resource(object).updateStatus();
      written = digest;
      lastWrite = now;
      if (apiDown) {
        LOG.info("director {}: API server reachable again, status written", node);
        apiDown = false;
      }
    } catch (KubernetesClientException e) {
      object = null; // a conflict or a deleted object: read it again next time
      if (e.getCode() != 409 && !apiDown) {
        LOG.warn("director {}: cannot write status ({}); forwarding goes on", node, e.getMessage());
        apiDown = true;
      }
    } catch (RuntimeException e) {
      object = null;
      if (!apiDown) {
        LOG.warn("director {}: cannot write status ({}); forwarding goes on", node, e.toString());
        apiDown = true;
      }
    }
  }

  private Director create() {
    Director d = new Director();
    d.setMetadata(new ObjectMetaBuilder().withName(node).addToLabels(DirectorParts.NODE_LABEL, node)
        .addToLabels(MANAGED_BY, "lvs-dataplane").build());
    owner.adopt(d);
    Director created = client.resources(Director.class).resource(d).create();
    LOG.info("director {}: created its Director object", node);
    return created;
  }

  /** What a status says, without transition times. */
  static List<Object> digest(DirectorStatus s) {
    if (s == null) {
      return List.of();
    }
    List<String> conditions = s.getConditions() == null ? List.of() : s.getConditions().stream()
        .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).toList();
    return java.util.Arrays.asList(s.getAppliedGeneration(), conditions, s.getInterfaceName(), s.getMac(),
        s.getAddress(), s.getServices() == null ? List.of() : s.getServices(),
        s.getAnnounced() == null ? List.of() : s.getAnnounced());
  }
}
