package io.lvsoperator.operator.directors;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * When each director last renewed its Lease, by this operator's own clock: a renewal is the
 * moment a changed renewTime is seen, so clock skew between nodes does not matter (as the node
 * lifecycle controller judges node Leases). A Lease first seen counts as renewed then only when
 * its renewTime is within its duration of now; one long expired stays expired.
 */
final class LeaseClock {
  private record Seen(String renewTime, Instant at, Duration duration) {}

  private final Map<String, Seen> seen = new HashMap<>();

  synchronized void observe(String node, Lease lease, Instant now) {
    if (lease.getSpec() == null || lease.getSpec().getRenewTime() == null) {
      return;
    }
    String renew = lease.getSpec().getRenewTime().toString();
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    Duration duration = Duration.ofSeconds(seconds == null || seconds < 1 ? 1 : seconds);
    Seen before = seen.get(node);
    if (before != null && before.renewTime().equals(renew)) {
      return;
    }
    Instant at = now;
    if (before == null) {
      Instant stamped = lease.getSpec().getRenewTime().toInstant();
      at = stamped.plus(duration).isAfter(now) ? now : Instant.EPOCH;
    }
    seen.put(node, new Seen(renew, at, duration));
  }

  synchronized void forget(String node) {
    seen.remove(node);
  }

  synchronized boolean holds(String node) {
    return seen.containsKey(node);
  }

  /** Nodes whose Lease was renewed within its duration before {@code now}. */
  synchronized Set<String> current(Instant now) {
    Set<String> out = new TreeSet<>();
    seen.forEach((node, s) -> {
      if (s.at().plus(s.duration()).isAfter(now)) {
        out.add(node);
      }
    });
    return out;
  }
}
