package io.lvsoperator.operator.publish;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The previous contract, for dataplanes of the previous version during a rolling upgrade: each
 * such node gets its whole configuration in Director objects of its own, named after the node
 * and, past {@code servicesPerObject} services or {@link DirectorParts#DEFAULT_MAX_BYTES} encoded,
 * split into parts (`NODE`, `NODE-shard-1`, ...) of one generation ({@link DirectorParts}). Writes
 * only what changed, stamped with the shared configuration's generation. Only objects this
 * writer made (label managed-by lvs-operator) are ever deleted: current dataplanes own theirs.
 */
final class LegacyDirectorWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyDirectorWriter.class);
  static final String NODE_LABEL = DirectorParts.NODE_LABEL;
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private LegacyDirectorWriter() {}

  static String nodeOf(Director d) {
    Map<String, String> labels = d.getMetadata().getLabels();
    return labels != null && labels.containsKey(NODE_LABEL) ? labels.get(NODE_LABEL) : d.getMetadata().getName();
  }

  /** Returns the Director objects as they are after this pass (the caches may lag behind). */
  static List<Director> apply(KubernetesClient client, Map<String, DirectorSpec> desired, List<Director> all,
      int servicesPerObject, long generation) {
    // ours, and those of nodes that need ours (a node rolled back to the previous version)
    List<Director> existing = all.stream().filter(d -> desired.containsKey(nodeOf(d))
        || (d.getMetadata().getLabels() != null && "lvs-operator".equals(d.getMetadata().getLabels().get(MANAGED_BY))))
        .toList();
    Map<String, Director> after = new TreeMap<>();
    existing.forEach(d -> after.put(d.getMetadata().getName(), d));
    Map<String, List<Director>> byNode = new TreeMap<>();
    for (Director d : existing) {
      byNode.computeIfAbsent(nodeOf(d), n -> new ArrayList<>()).add(d);
    }
    for (Map.Entry<String, DirectorSpec> e : desired.entrySet()) {
      String node = e.getKey();
      List<DirectorSpec> parts = DirectorParts.split(e.getValue(), servicesPerObject, DirectorParts.DEFAULT_MAX_BYTES);
      List<Director> current = new ArrayList<>(byNode.getOrDefault(node, List.of()));
      current.sort(Comparator.comparing(d -> d.getMetadata().getName()));
      if (unchanged(current, parts, node)) {
        continue;
      }
      long next = generation;
      Set<String> names = new HashSet<>();
      for (int i = 0; i < parts.size(); i++) {
        String name = DirectorParts.partName(node, i);
        names.add(name);
        Director old = current.stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElse(null);
        Director d = new Director();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name).addToLabels(MANAGED_BY, "lvs-operator")
            .addToLabels(NODE_LABEL, node);
        if (old != null) {
          meta.withResourceVersion(old.getMetadata().getResourceVersion());
        }
        d.setMetadata(meta.build());
        d.setSpec(parts.get(i).withGeneration(next));
        if (old == null) {
          after.put(name, client.resources(Director.class).resource(d).create());
        } else {
          after.put(name, client.resources(Director.class).resource(d).update());
        }
      }
      for (Director d : current) {
        if (!names.contains(d.getMetadata().getName())) {
          client.resources(Director.class).withName(d.getMetadata().getName()).delete();
          after.remove(d.getMetadata().getName());
        }
      }
      LOG.info("director {} (previous contract) at generation {}: {} services in {} object(s), VIPs {}", node, next,
          e.getValue().services().size(), parts.size(), e.getValue().vips());
    }
    for (Map.Entry<String, List<Director>> e : byNode.entrySet()) {
      if (!desired.containsKey(e.getKey())) {
        for (Director d : e.getValue()) {
          if (d.getMetadata().getName().equals(e.getKey())) {
            // a dataplane of the current version may report on it already: hand it over, never delete
            d.setSpec(null);
            d.getMetadata().getLabels().put(MANAGED_BY, "lvs-dataplane");
            after.put(d.getMetadata().getName(), client.resources(Director.class).resource(d).update());
            continue;
          }
          client.resources(Director.class).withName(d.getMetadata().getName()).delete();
          after.remove(d.getMetadata().getName());
        }
        LOG.info("director {}: previous contract's objects deleted (no dataplane of that version runs there)",
            e.getKey());
      }
    }
    return List.copyOf(after.values());
  }

  /** Same parts, same names, one generation, same content. */
  private static boolean unchanged(List<Director> current, List<DirectorSpec> parts, String node) {
    if (current.size() != parts.size()) {
      return false;
    }
    Long generation = null;
    for (int i = 0; i < parts.size(); i++) {
      String name = DirectorParts.partName(node, i);
      Director d = current.stream().filter(x -> x.getMetadata().getName().equals(name)).findFirst().orElse(null);
      if (d == null || d.getSpec() == null || !nodeOf(d).equals(node)
          || (d.getMetadata().getLabels() == null || !d.getMetadata().getLabels().containsKey(NODE_LABEL))) {
        return false;
      }
      if (generation != null && generation != d.getSpec().generation()) {
        return false;
      }
      generation = d.getSpec().generation();
      if (!parts.get(i).withGeneration(generation).equals(d.getSpec())) {
        return false;
      }
    }
    return true;
  }
}
