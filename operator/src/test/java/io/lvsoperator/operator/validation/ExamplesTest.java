package io.lvsoperator.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.admission.ClaimIndex;
import io.lvsoperator.operator.pools.AddressAllocator;
import io.lvsoperator.operator.pools.PoolBook;
import io.lvsoperator.operator.pools.VipResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The examples the README points to stay valid, and the example pool admits every example VIP. */
class ExamplesTest {
  @Test
  void everyExampleIsValidAndThePoolAdmitsEveryExample() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(Path.of("../crds/examples"))) {
      examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    List<VirtualService> services = new ArrayList<>();
    List<VipPool> pools = new ArrayList<>();
    for (Path p : examples) {
      String text = Files.readString(p);
      String kind = Serialization.unmarshal(text, GenericKubernetesResource.class).getKind();
      if ("VipPool".equals(kind)) {
        pools.add(Serialization.unmarshal(text, VipPool.class));
      } else {
        assertThat(kind).as(p.toString()).isEqualTo("VirtualService");
        VirtualService vs = Serialization.unmarshal(text, VirtualService.class);
        assertThat(vs.getMetadata().getName()).as(p.toString()).isNotBlank();
        assertThat(VirtualServiceValidator.validate(vs.getSpec())).as(p.toString()).isEmpty();
        services.add(vs);
      }
    }
    assertThat(services).hasSizeGreaterThanOrEqualTo(5);
    assertThat(pools).hasSize(1);
    PoolBook book = PoolBook.of(pools, ReservedAddresses.NONE);
    assertThat(book.pools()).allSatisfy(p -> assertThat(p.accepted()).as(p.message()).isTrue());
    AddressAllocator allocator = new AddressAllocator(new ClaimIndex(k -> {}));
    for (VirtualService vs : services) {
      String key = vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName();
      assertThat(VipResolver.resolve(key, vs, Map.of(), book, allocator).message()).as(key).isEqualTo("accepted");
    }
  }
}
