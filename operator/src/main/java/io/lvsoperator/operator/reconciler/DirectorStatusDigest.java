package io.lvsoperator.operator.reconciler;

import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import java.util.List;
import java.util.Objects;

/**
 * The part of a Director's status that VirtualService status depends on: applied generation,
 * condition states and which real servers are unhealthy. Heartbeats and connection counts are
 * left out, so a dataplane's periodic status write does not reconcile every VirtualService.
 */
record DirectorStatusDigest(Long appliedGeneration, List<String> conditions, List<String> unhealthy) {
  static DirectorStatusDigest of(Director d) {
    DirectorStatus s = d.getStatus();
    if (s == null) {
      return new DirectorStatusDigest(null, List.of(), List.of());
    }
    List<String> conditions = s.getConditions() == null ? List.of()
        : s.getConditions().stream().map(c -> c.getType() + "=" + c.getStatus()).sorted().toList();
    List<String> unhealthy = s.getServices() == null ? List.of()
        : s.getServices().stream().filter(Objects::nonNull)
            .flatMap(svc -> svc.realServers() == null ? java.util.stream.Stream.empty()
                : svc.realServers().stream().filter(r -> Boolean.FALSE.equals(r.healthy()))
                    .map(r -> svc.name() + " " + r.address() + ":" + r.port()))
            .sorted().toList();
    return new DirectorStatusDigest(s.getAppliedGeneration(), conditions, unhealthy);
  }
}
