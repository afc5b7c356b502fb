package io.lvsoperator.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  static Clock at(String t) {
    return Clock.fixed(Instant.parse(t), ZoneOffset.UTC);
  }

  @Test
  void transitionTimeMovesOnlyWhenTheStatusChanges() {
    var first = new Conditions(null, 1, at("2026-01-01T00:00:00Z")).set("Ready", false, "NoBackends", "none").build();
    var same = new Conditions(first, 2, at("2026-01-01T00:05:00Z")).set("Ready", false, "NoBackends", "none").build();
    assertThat(same.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(same.get(0).getObservedGeneration()).isEqualTo(2);
    var flipped = new Conditions(same, 2, at("2026-01-01T00:09:00Z")).set("Ready", true, "Ready", "ok").build();
    assertThat(flipped.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:09:00Z");
    assertThat(Conditions.isTrue(flipped, "Ready")).isTrue();
    assertThat(Conditions.isTrue(flipped, "Programmed")).isFalse();
  }
}
