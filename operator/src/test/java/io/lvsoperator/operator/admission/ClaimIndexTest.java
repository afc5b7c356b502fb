package io.lvsoperator.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimIndexTest {
  final List<String> woken = new ArrayList<>();
  final ClaimIndex index = new ClaimIndex((Collection<String> keys) -> woken.addAll(keys));

  @Test
  void aFreeClaimGoesToWhoeverAsksFirstAndTheSecondWaitsForIt() {
    assertThat(index.claim("ns/a", List.of("198.18.0.1:80/TCP"))).isNull();
    assertThat(index.claim("ns/b", List.of("198.18.0.1:80/TCP", "198.18.0.1:443/TCP")))
        .isEqualTo("198.18.0.1:80/TCP is already served by VirtualService ns/a");
    assertThat(index.heldBy("ns/b")).isEmpty();
    // a moves elsewhere: its old claim is freed and b is told
    assertThat(index.claim("ns/a", List.of("198.18.0.2:80/TCP"))).isNull();
    assertThat(woken).containsExactly("ns/b");
    assertThat(index.claim("ns/b", List.of("198.18.0.1:80/TCP", "198.18.0.1:443/TCP"))).isNull();
    index.release("ns/b");
    assertThat(index.heldBy("ns/b")).isEmpty();
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void theSeedKeepsHeldClaimsWithTheirHoldersAndGivesNewOnesToTheOldest() {
    index.seed(List.of(
        new ClaimIndex.Claimant("ns/young-holder", "2026-02-01T00:00:00Z", List.of("198.18.0.1:80/TCP"),
            List.of("198.18.0.1:80/TCP"), true),
        new ClaimIndex.Claimant("ns/old-editor", "2026-01-01T00:00:00Z", List.of(),
            List.of("198.18.0.1:80/TCP"), true),
        // an invalid spec keeps what it held, asked for or not
        new ClaimIndex.Claimant("ns/typo", "2026-01-05T00:00:00Z", List.of("198.18.0.3:80/TCP"), List.of(), false),
        new ClaimIndex.Claimant("ns/newer", "2026-03-02T00:00:00Z", List.of(), List.of("198.18.0.4:80/TCP"), true),
        new ClaimIndex.Claimant("ns/older", "2026-03-01T00:00:00Z", List.of(), List.of("198.18.0.4:80/TCP"), true)));
    assertThat(index.claim("ns/old-editor", List.of("198.18.0.1:80/TCP"))).contains("ns/young-holder");
    assertThat(index.claim("ns/someone", List.of("198.18.0.3:80/TCP"))).contains("ns/typo");
    assertThat(index.claim("ns/newer", List.of("198.18.0.4:80/TCP"))).contains("ns/older");
    assertThat(index.claim("ns/older", List.of("198.18.0.4:80/TCP"))).isNull();
  }
}
