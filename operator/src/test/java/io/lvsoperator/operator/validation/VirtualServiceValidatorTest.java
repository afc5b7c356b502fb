package io.lvsoperator.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceValidatorTest {
  static VirtualServiceSpec valid() {
    VirtualServiceSpec s = new VirtualServiceSpec();
    s.setVip("198.18.0.100");
    s.setPorts(List.of(new PortSpec(80, Protocol.TCP, null)));
    s.setRealServers(List.of(new RealServerSpec("198.18.0.11", null, 1)));
    return s;
  }

  @Test
  void aValidSpecHasNoViolations() {
    assertThat(VirtualServiceValidator.validate(valid())).isEmpty();
  }

  @Test
  void eachProblemNamesItsField() {
    VirtualServiceSpec s = valid();
    s.setVip("198.18.0");
    s.setPorts(List.of(new PortSpec(70000, Protocol.TCP, null), new PortSpec(53, Protocol.UDP, 5353)));
    s.setRealServers(List.of(new RealServerSpec("nope", 8080, -1)));
    assertThat(VirtualServiceValidator.validate(s)).containsExactlyInAnyOrder(
        "spec.vip: \"198.18.0\" is not an IPv4 address",
        "spec.ports[0].port: 70000 is not within 0-65535",
        "spec.ports[1].targetPort: DR cannot change the port; only NAT can",
        "spec.realServers[0].address: \"nope\" is not an IPv4 address",
        "spec.realServers[0].port: DR forwards to the VIP's port; set a port only with NAT",
        "spec.realServers[0].weight: -1 is not within 0-65535");
  }

  @Test
  void exactlyOneBackendKind() {
    VirtualServiceSpec both = valid();
    both.setService(new ServiceBackend("web", null));
    assertThat(VirtualServiceValidator.validate(both)).containsExactly("spec: set exactly one of service and realServers");
    VirtualServiceSpec none = valid();
    none.setRealServers(null);
    assertThat(VirtualServiceValidator.validate(none)).containsExactly("spec: set exactly one of service and realServers");
  }

  @Test
  void natMayChangePorts() {
    VirtualServiceSpec s = valid();
    s.setMode(ForwardingMode.NAT);
    s.setPorts(List.of(new PortSpec(80, Protocol.TCP, 8080)));
    s.setRealServers(List.of(new RealServerSpec("198.18.0.11", 8081, 1)));
    assertThat(VirtualServiceValidator.validate(s)).isEmpty();
  }

  @Test
  void aNatGatewayIsAnIpv4AddressOfANatServiceOtherThanItsVip() {
    VirtualServiceSpec nat = valid();
    nat.setMode(ForwardingMode.NAT);
    nat.setNatGateway("198.18.0.254");
    assertThat(VirtualServiceValidator.validate(nat)).isEmpty();
    nat.setNatGateway("198.18.0.300");
    assertThat(VirtualServiceValidator.validate(nat)).containsExactly(
        "spec.natGateway: \"198.18.0.300\" is not an IPv4 address");
    nat.setNatGateway("198.18.0.100");
    assertThat(VirtualServiceValidator.validate(nat)).containsExactly("spec.natGateway: must differ from the VIP");
    VirtualServiceSpec dr = valid();
    dr.setNatGateway("198.18.0.254");
    assertThat(VirtualServiceValidator.validate(dr)).singleElement().asString()
        .startsWith("spec.natGateway: only NAT real servers");
  }
}
