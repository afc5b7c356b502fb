package io.lvsoperator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.RealServerHealth;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectorStatusDigestTest {
  static Director director(String heartbeat, int active, boolean healthy, String ready) {
    DirectorStatus s = new DirectorStatus();
    s.setAppliedGeneration(3L);
    s.setHeartbeatTime(heartbeat);
    s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready).build()));
    s.setServices(List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.11", 80, healthy, active, 0)))));
    Director d = new Director();
    d.setStatus(s);
    return d;
  }

  @Test
  void heartbeatsAndConnectionCountsDoNotMatter() {
    assertThat(DirectorStatusDigest.of(director("2026-01-01T00:00:00Z", 1, true, "True")))
        .isEqualTo(DirectorStatusDigest.of(director("2026-01-01T00:00:10Z", 9, true, "True")));
  }

  @Test
  void healthReadinessAndGenerationDo() {
    DirectorStatusDigest base = DirectorStatusDigest.of(director("t", 1, true, "True"));
    assertThat(DirectorStatusDigest.of(director("t", 1, false, "True"))).isNotEqualTo(base);
    assertThat(DirectorStatusDigest.of(director("t", 1, true, "False"))).isNotEqualTo(base);
    Director newer = director("t", 1, true, "True");
    newer.getStatus().setAppliedGeneration(4L);
    assertThat(DirectorStatusDigest.of(newer)).isNotEqualTo(base);
    assertThat(DirectorStatusDigest.of(new Director())).isNotEqualTo(base);
  }
}
