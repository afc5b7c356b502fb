package io.lvsoperator.dataplane.bench;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.dataplane.cluster.AgentTarget;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A director of the scale harness: the real {@code ClusterAgent} (watch, assembly, Lease, status)
 * drives it, but it forwards nothing; it notes when it applied which generation, and how many
 * services that generation held. Its status says Ready with what it applied.
 */
final class SimulatedDirector implements AgentTarget {
  private final String node;
  private final Map<Long, Long> appliedAt = new ConcurrentSkipListMap<>();
  private volatile long generation = -1;
  private volatile int services;

  SimulatedDirector(String node) {
    this.node = node;
  }

  String node() {
    return node;
  }

  @Override
  public boolean apply(DirectorSpec spec, String source) {
    generation = spec.generation();
    services = spec.services().size();
    appliedAt.putIfAbsent(spec.generation(), System.nanoTime());
    return true;
  }

  int services() {
    return services;
  }

  long generation() {
    return generation;
  }

  /** When this director first ran generation {@code g} or a later one; null if not yet. */
  Long appliedAtOrAfter(long g) {
    return ((ConcurrentSkipListMap<Long, Long>) appliedAt).tailMap(g, true).values().stream().min(Long::compare)
        .orElse(null);
  }

  @Override
  public String lastRejection() {
    return null;
  }

  @Override
  public DirectorStatus status(DirectorStatus previous, Instant now) {
    DirectorStatus s = new DirectorStatus();
    s.setAppliedGeneration(generation < 0 ? null : generation);
    s.setInterfaceName("eth0");
    s.setMac("02:00:00:00:00:01");
    s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Forwarding")
        .withMessage("simulated").withLastTransitionTime("2026-01-01T00:00:00Z").build()));
    s.setServices(List.of());
    return s;
  }
}
