package io.lvsoperator.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.lvsoperator.api.v1alpha1.VirtualService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example VirtualServices the README points to stay valid. */
class ExamplesTest {
  @Test
  void everyExampleIsAValidVirtualService() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(Path.of("../crds/examples"))) {
      examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
    for (Path p : examples) {
      VirtualService vs = Serialization.unmarshal(Files.readString(p), VirtualService.class);
      assertThat(vs.getMetadata().getName()).as(p.toString()).isNotBlank();
      assertThat(VirtualServiceValidator.validate(vs.getSpec())).as(p.toString()).isEmpty();
    }
  }
}
