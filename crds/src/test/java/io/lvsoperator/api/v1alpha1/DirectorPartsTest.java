package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The split of a configuration over Director objects, and its assembly: the contract both sides use. */
class DirectorPartsTest {
  static ServiceSpec svc(int port, int realServers) {
    List<RealServerSpec> reals = new ArrayList<>();
    for (int i = 0; i < realServers; i++) {
      reals.add(new RealServerSpec("198.18." + (i / 250) + "." + (1 + i % 250), null, 1 + i % 7));
    }
    return new ServiceSpec("tenant-" + port + "/web", "198.18.0.100", port, null, null, null, null, null, reals);
  }

  static DirectorSpec whole(long generation, List<ServiceSpec> services) {
    return new DirectorSpec(generation, "eth0", List.of(), List.of("198.18.0.100", "198.18.0.101"),
        List.of(new RouteSpec("0.0.0.0/0", "198.18.0.1")), services, null);
  }

  /**
   * Any configuration, any limits: the parts assemble back to the configuration whatever order
   * they arrive in, respect the limits (a part passes the byte budget only when it holds a single
   * service), and any incomplete set assembles to nothing.
   */
  @Property(tries = 300)
  void anySplitAssemblesBackToTheSameConfiguration(
      @ForAll @IntRange(min = 0, max = 150) int services, @ForAll @IntRange(min = 0, max = 40) int maxRealServers,
      @ForAll @IntRange(min = 1, max = 60) int maxServices, @ForAll @IntRange(min = 300, max = 30_000) int maxBytes,
      @ForAll long seed) {
    Random random = new Random(seed);
    List<ServiceSpec> list = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      list.add(svc(1 + i, random.nextInt(maxRealServers + 1)));
    }
    DirectorSpec spec = whole(7, list);
    List<DirectorSpec> parts = DirectorParts.split(spec, maxServices, maxBytes);

    List<DirectorSpec> shuffled = new ArrayList<>(parts);
    Collections.shuffle(shuffled, random);
    assertThat(DirectorParts.assemble(shuffled)).contains(spec);
    for (DirectorSpec p : parts) {
      assertThat(p.services().size()).isLessThanOrEqualTo(maxServices);
      if (p.services().size() > 1) {
        assertThat(DirectorParts.encodedSize(p)).as("bytes of a part").isLessThanOrEqualTo(maxBytes);
      }
      assertThat(p.generation()).isEqualTo(7);
    }
    if (parts.size() > 1) {
      assertThat(DirectorParts.assemble(shuffled.subList(1, shuffled.size()))).as("one part missing").isEmpty();
      List<DirectorSpec> mixed = new ArrayList<>(shuffled);
      mixed.set(0, mixed.get(0).withGeneration(8));
      assertThat(DirectorParts.assemble(mixed)).as("two generations").isEmpty();
    }
  }

  @Test
  void aConfigurationThatFitsStaysWhole() {
    DirectorSpec spec = whole(3, List.of(svc(80, 3), svc(443, 3)));
    assertThat(DirectorParts.split(spec, 2000, DirectorParts.DEFAULT_MAX_BYTES)).containsExactly(spec);
  }

  /** 2,000 services of 16 real servers: over 1.5 MiB in one piece; each part stays under the budget. */
  @Test
  void theByteBudgetSplitsWhatTheServiceCountWouldNot() {
    List<ServiceSpec> list = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      list.add(svc(1 + i, 16));
    }
    DirectorSpec spec = whole(1, list);
    assertThat(DirectorParts.encodedSize(spec)).isGreaterThan(3 * DirectorParts.DEFAULT_MAX_BYTES);
    List<DirectorSpec> parts = DirectorParts.split(spec, 2000, DirectorParts.DEFAULT_MAX_BYTES);
    assertThat(parts.size()).isGreaterThan(3);
    assertThat(parts).allSatisfy(p -> assertThat(DirectorParts.encodedSize(p))
        .isLessThanOrEqualTo(DirectorParts.DEFAULT_MAX_BYTES));
    assertThat(DirectorParts.assemble(parts)).contains(spec);
  }

  @Test
  void partsAreNamedAfterTheNode() {
    assertThat(DirectorParts.partName("node-a", 0)).isEqualTo("node-a");
    assertThat(DirectorParts.partName("node-a", 2)).isEqualTo("node-a-shard-2");
  }

  @Test
  void mixedGenerationsMissingOrDoubledPartsOrNothingGiveNothing() {
    DirectorSpec base = whole(4, List.of());
    DirectorSpec p0 = base.asShard(0, 2, List.of(svc(80, 1)));
    DirectorSpec p1 = base.asShard(1, 2, List.of(svc(443, 1)));
    assertThat(DirectorParts.assemble(List.of(p1, p0))).hasValueSatisfying(s -> {
      assertThat(s.shard()).isNull();
      assertThat(s.services()).extracting(ServiceSpec::port).containsExactly(80, 443);
    });
    assertThat(DirectorParts.assemble(List.of(p0, p1.withGeneration(3)))).isEmpty();
    assertThat(DirectorParts.assemble(List.of(p0, p0))).isEmpty();
    assertThat(DirectorParts.assemble(List.of(base.asShard(0, 3, List.of()), p1))).isEmpty();
    assertThat(DirectorParts.assemble(List.of())).isEmpty();
  }
}
