package io.lvsoperator.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.FullNatSource;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRendererTest {
  static VirtualServiceSpec spec(ForwardingMode mode, Integer targetPort) {
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip("198.18.0.1");
    spec.setMode(mode);
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, targetPort)));
    return spec;
  }

  @Test
  void natUsesTheTargetPortOrTheEndpointPortWhileDrKeepsTheVipPort() {
    List<Backend> b = List.of(new Backend("10.0.0.5", 8080, 1, Backend.READY));
    ServiceSpec nat = ServiceRenderer.render("default/n", spec(ForwardingMode.NAT, null), b).get(0);
    ServiceSpec target = ServiceRenderer.render("default/t", spec(ForwardingMode.NAT, 9090), b).get(0);
    ServiceSpec dr = ServiceRenderer.render("default/d", spec(ForwardingMode.DR, null), b).get(0);
    assertThat(nat.realServers().get(0).portOr(nat.port())).isEqualTo(8080);
    assertThat(target.realServers().get(0).portOr(target.port())).isEqualTo(9090);
    assertThat(dr.realServers().get(0).portOr(dr.port())).isEqualTo(80);
    assertThat(dr.name()).isEqualTo("default/d");
    assertThat(dr.fullNatSource()).isNull();
  }

  @Test
  void fullNatLeavesFromTheVipUnlessTheNodeIsAskedFor() {
    List<Backend> b = List.of(new Backend("10.0.0.5", 8080, 1, Backend.READY));
    assertThat(ServiceRenderer.render("default/f", spec(ForwardingMode.FULLNAT, null), b).get(0).fullNatSource())
        .isEqualTo(FullNatSource.VIP);
    VirtualServiceSpec node = spec(ForwardingMode.FULLNAT, null);
    node.setFullNatSource(FullNatSource.NODE);
    assertThat(ServiceRenderer.render("default/f", node, b).get(0).fullNatSource()).isEqualTo(FullNatSource.NODE);
  }
}
