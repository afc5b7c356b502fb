package io.lvsoperator.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectorAssemblerTest {
  static ServiceSpec svc(int port) {
    return new ServiceSpec("default/s" + port, "198.18.0.100", port, null, null, null, null, null, List.of());
  }

  static Director part(long generation, int index, int count, int port) {
    DirectorSpec whole = new DirectorSpec(generation, "eth0", List.of(), List.of("198.18.0.100"), List.of(), List.of(),
        null);
    Director d = new Director();
    d.setSpec(whole.asShard(index, count, List.of(svc(port))));
    return d;
  }

  @Test
  void partsOfOneGenerationMakeTheWholeInIndexOrder() {
    DirectorSpec s = DirectorAssembler.assemble(List.of(part(4, 1, 2, 443), part(4, 0, 2, 80))).orElseThrow();
    assertThat(s.generation()).isEqualTo(4);
    assertThat(s.shard()).isNull();
    assertThat(s.services()).extracting(ServiceSpec::port).containsExactly(80, 443);
    assertThat(s.vips()).containsExactly("198.18.0.100");
  }

  @Test
  void mixedGenerationsMissingPartsOrNothingGiveNothing() {
    assertThat(DirectorAssembler.assemble(List.of(part(4, 0, 2, 80), part(3, 1, 2, 443)))).isEmpty();
    assertThat(DirectorAssembler.assemble(List.of(part(4, 0, 3, 80), part(4, 1, 3, 443)))).isEmpty();
    assertThat(DirectorAssembler.assemble(List.of(part(4, 0, 2, 80), part(4, 0, 2, 443)))).isEmpty();
    assertThat(DirectorAssembler.assemble(List.of())).isEmpty();
  }
}
