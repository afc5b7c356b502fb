package io.lvsoperator.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How big a Director spec grows: the figure behind the README's note that one object holds about
 * 5,000 services before the API server's 1.5 MiB limit, so 10,000 need sharding (not done yet).
 */
class DirectorSizeTest {
  static final int API_OBJECT_LIMIT = 1_572_864;

  @Test
  void tenThousandServicesOverflowOneObject() {
    List<ServiceSpec> services = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String net = "10.244." + (i % 200) + ".";
      services.add(new ServiceSpec("namespace-" + (i % 50) + "/virtualservice-" + i,
          "198.18." + (i / 250) + "." + (i % 250), 443, null, null, null, null, null,
          List.of(new RealServerSpec(net + "11", 8443, 1), new RealServerSpec(net + "12", 8443, 1),
              new RealServerSpec(net + "13", 8443, 1))));
    }
    int bytes = Serialization.asJson(new DirectorSpec(1L, "eth0", List.of(), List.of(), List.of(), services, null))
        .length();
    int perService = bytes / services.size();
    assertThat(perService).isBetween(250, 400);
    assertThat(API_OBJECT_LIMIT / perService).isBetween(4_000, 6_000);
    assertThat(bytes).isGreaterThan(API_OBJECT_LIMIT);
  }
}
