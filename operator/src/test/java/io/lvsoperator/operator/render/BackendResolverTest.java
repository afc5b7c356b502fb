package io.lvsoperator.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendResolverTest {
  static EndpointSlice slice(String type, String portName, int port) {
    return new EndpointSliceBuilder().withNewMetadata().withName("s").endMetadata().withAddressType(type)
        .addNewPort().withName(portName).withPort(port).endPort()
        .addToEndpoints(new EndpointBuilder().withAddresses("10.0.0.1").withNewConditions().withReady(true).endConditions().build())
        .addToEndpoints(new EndpointBuilder().withAddresses("10.0.0.2").withNewConditions().withReady(false)
            .withServing(true).withTerminating(true).endConditions().build())
        .addToEndpoints(new EndpointBuilder().withAddresses("10.0.0.3").withNewConditions().withReady(false)
            .withServing(false).withTerminating(false).endConditions().build())
        .build();
  }

  static VirtualServiceSpec fromService(String port) {
    VirtualServiceSpec s = new VirtualServiceSpec();
    s.setService(new ServiceBackend("web", port));
    return s;
  }

  @Test
  void readyEndpointsServeTerminatingOnesDrainNotReadyOnesAreLeftOut() {
    List<Backend> b = BackendResolver.resolve(fromService("http"), List.of(slice("IPv4", "http", 8080)));
    assertThat(b).containsExactly(new Backend("10.0.0.1", 8080, 1, Backend.READY),
        new Backend("10.0.0.2", 8080, 0, Backend.TERMINATING));
  }

  @Test
  void theNamedPortIsChosenAndIpv6SlicesIgnored() {
    assertThat(BackendResolver.resolve(fromService("8080"), List.of(slice("IPv4", "http", 8080))).get(0).port())
        .isEqualTo(8080);
    assertThat(BackendResolver.resolve(fromService("other"), List.of(slice("IPv4", "http", 8080))).get(0).port())
        .isNull();
    assertThat(BackendResolver.resolve(fromService(null), List.of(slice("IPv6", "http", 8080)))).isEmpty();
  }

  @Test
  void staticRealServersAreTakenAsGiven() {
    VirtualServiceSpec s = new VirtualServiceSpec();
    s.setRealServers(List.of(new RealServerSpec("198.18.0.11", null, 3)));
    assertThat(BackendResolver.resolve(s, List.of())).containsExactly(new Backend("198.18.0.11", null, 3, Backend.READY));
  }
}
