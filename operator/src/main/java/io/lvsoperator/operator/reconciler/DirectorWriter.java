package io.lvsoperator.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Director objects match a plan: creates missing ones, updates those whose content
 * changed (with the next generation), deletes those of nodes without a dataplane. Writes nothing
 * when nothing changed. Updates carry the resourceVersion read, so concurrent writers conflict
 * and retry instead of overwriting each other.
 */
final class DirectorWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorWriter.class);

  private DirectorWriter() {}

  /** Returns how many objects were written. */
  static int apply(KubernetesClient client, Map<String, DirectorSpec> desired, List<Director> existing) {
    Map<String, Director> byName = existing.stream()
        .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d, (a, b) -> a));
    int writes = 0;
    for (Map.Entry<String, DirectorSpec> e : desired.entrySet()) {
      Director current = byName.get(e.getKey());
      DirectorSpec want = e.getValue();
      if (current == null) {
        Director d = new Director();
        d.setMetadata(new ObjectMetaBuilder().withName(e.getKey())
            .addToLabels("app.kubernetes.io/managed-by", "lvs-operator").build());
        d.setSpec(withGeneration(want, 1));
        client.resources(Director.class).resource(d).create();
        LOG.info("director {} created (generation 1, VIPs {})", e.getKey(), want.vips());
        writes++;
      } else if (current.getSpec() == null || !withGeneration(want, current.getSpec().generation()).equals(current.getSpec())) {
        long next = current.getSpec() == null ? 1 : current.getSpec().generation() + 1;
        Director d = new Director();
        d.setMetadata(new ObjectMetaBuilder().withName(e.getKey())
            .withResourceVersion(current.getMetadata().getResourceVersion())
            .withLabels(current.getMetadata().getLabels()).build());
        d.setSpec(withGeneration(want, next));
        client.resources(Director.class).resource(d).update();
        LOG.info("director {} updated to generation {} ({} services, VIPs {})", e.getKey(), next,
            want.services().size(), want.vips());
        writes++;
      }
    }
    Set<String> keep = desired.keySet();
    for (Director d : existing) {
      if (!keep.contains(d.getMetadata().getName())) {
        client.resources(Director.class).withName(d.getMetadata().getName()).delete();
        LOG.info("director {} deleted: no dataplane runs there", d.getMetadata().getName());
        writes++;
      }
    }
    return writes;
  }

  static DirectorSpec withGeneration(DirectorSpec s, long generation) {
    return new DirectorSpec(generation, s.interfaceName(), s.addresses(), s.vips(), s.routes(), s.services(),
        s.connectionTable());
  }
}
