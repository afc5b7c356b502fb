package io.lvsoperator.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.FullNatSource;
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

  /**
   * A keepalived or ipvsadm configuration names every real server with the VIP's port, also in DR
   * and TUN: that port is accepted (it changes nothing); another one is refused.
   */
  @Test
  void aDirectRoutingRealServerOnTheVipsOwnPortIsAccepted() {
    for (ForwardingMode mode : List.of(ForwardingMode.DR, ForwardingMode.TUN)) {
      VirtualServiceSpec s = valid();
      s.setMode(mode);
      s.setRealServers(List.of(new RealServerSpec("198.18.0.11", 80, 1), new RealServerSpec("198.18.0.12", 8080, 1)));
      assertThat(VirtualServiceValidator.validate(s)).as("%s", mode).containsExactly(
          "spec.realServers[1].port: " + mode + " cannot change the port (80 -> 8080); only NAT and FULLNAT can");
      s.setPorts(List.of(new PortSpec(80, Protocol.TCP, null), new PortSpec(443, Protocol.TCP, null)));
      s.setRealServers(List.of(new RealServerSpec("198.18.0.11", 80, 1)));
      assertThat(VirtualServiceValidator.validate(s)).as("%s, two ports", mode).containsExactly(
          "spec.realServers[0].port: " + mode + " cannot change the port (80, 443 -> 80); only NAT and FULLNAT can");
    }
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
        "spec.ports[1].targetPort: DR cannot change the port; only NAT and FULLNAT can",
        "spec.realServers[0].address: \"nope\" is not an IPv4 address",
        "spec.realServers[0].port: DR cannot change the port (70000, 53 -> 8080); only NAT and FULLNAT can",
        "spec.realServers[0].weight: -1 is not within 0-65535");
  }

  @Test
  void specialAndClusterAddressesAreRefusedForVipGatewayAndStaticRealServers() {
    ReservedAddresses cluster = ReservedAddresses.of(List.of(new io.fabric8.kubernetes.api.model.NodeBuilder()
        .withNewMetadata().withName("node-a").endMetadata().withNewSpec().withPodCIDRs("10.244.1.0/24", "fd00::/64")
        .endSpec().withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.18.0.5").endAddress()
        .endStatus().build()), List.of(io.lvsoperator.api.net.Ipv4Prefix.parse("10.96.0.0/12")));
    VirtualServiceSpec s = valid();
    s.setVip("127.0.0.1");
    assertThat(VirtualServiceValidator.validate(s, cluster)).containsExactly("spec.vip: 127.0.0.1 is a loopback address");
    s.setVip("198.18.0.5");
    assertThat(VirtualServiceValidator.validate(s, cluster))
        .containsExactly("spec.vip: 198.18.0.5 is the address of node node-a");
    s.setVip("198.18.0.100");
    s.setMode(ForwardingMode.NAT);
    s.setNatGateway("10.100.0.1");
    s.setRealServers(List.of(new RealServerSpec("10.244.1.9", null, 1), new RealServerSpec("0.0.0.0", null, 1)));
    assertThat(VirtualServiceValidator.validate(s, cluster)).containsExactlyInAnyOrder(
        "spec.natGateway: 10.100.0.1 is inside the reserved range 10.96.0.0/12 (--reserved-cidrs)",
        "spec.realServers[0].address: 10.244.1.9 is inside the pod range 10.244.1.0/24 of node node-a",
        "spec.realServers[1].address: 0.0.0.0 is an unspecified (\"this network\") address");
  }

  @Test
  void onlyFullNatChoosesASourceAddress() {
    VirtualServiceSpec fullNat = valid();
    fullNat.setMode(ForwardingMode.FULLNAT);
    fullNat.setFullNatSource(FullNatSource.NODE);
    assertThat(VirtualServiceValidator.validate(fullNat)).isEmpty();
    VirtualServiceSpec dr = valid();
    dr.setFullNatSource(FullNatSource.VIP);
    assertThat(VirtualServiceValidator.validate(dr)).containsExactly(
        "spec.fullNatSource: only FULLNAT rewrites the client's address; DR real servers see the client's own");
  }

  @Test
  void healthCheckAndSizeBoundsNameTheirFields() {
    VirtualServiceSpec s = valid();
    s.setHealthCheck(new io.lvsoperator.api.v1alpha1.HealthCheckSpec("http", "/x\r\nX-Evil: 1", 1, 600, 1, 1, null));
    s.setPorts(java.util.stream.IntStream.range(1, 66).mapToObj(p -> new PortSpec(p, Protocol.TCP, null)).toList());
    assertThat(VirtualServiceValidator.validate(s)).extracting(v -> v.substring(0, v.indexOf(':')))
        .containsExactlyInAnyOrder("spec.ports", "spec.healthCheck.path", "spec.healthCheck.timeoutSeconds");
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
