package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults filled by the compact constructors, and the validator called on records directly. */
class SpecRecordsTest {

  static ServiceSpec service(String vip, Integer port, ForwardingMode mode, RealServerSpec... rs) {
    return new ServiceSpec(null, vip, port, null, mode, null, null, null, List.of(rs));
  }

  static DirectorSpec director(List<String> addresses, List<String> vips, List<RouteSpec> routes,
      List<ServiceSpec> services) {
    return new DirectorSpec(null, "eth0", addresses, vips, routes, services, null);
  }

  @Test
  void directorDefaultsAndCopies() {
    List<String> vips = new ArrayList<>(List.of("198.18.0.100"));
    DirectorSpec d = new DirectorSpec(null, "eth0", null, vips, null, null, null);
    vips.add("198.18.0.101");
    assertThat(d.generation()).isZero();
    assertThat(d.addresses()).isEmpty();
    assertThat(d.vips()).containsExactly("198.18.0.100");
    assertThat(d.routes()).isEmpty();
    assertThat(d.services()).isEmpty();
    assertThat(d.connectionTable()).isSameAs(ConnectionTableSpec.DEFAULTS);
    assertThatThrownBy(() -> d.vips().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void serviceDefaultsAreIpvsadms() {
    ServiceSpec s = new ServiceSpec(null, "198.18.0.100", 53, null, null, null, null, null, null);
    assertThat(s.protocol()).isEqualTo(Protocol.TCP);
    assertThat(s.mode()).isEqualTo(ForwardingMode.DR);
    assertThat(s.scheduler()).isEqualTo(SchedulerName.WLC);
    assertThat(s.persistenceSeconds()).isZero();
    assertThat(s.realServers()).isEmpty();
    assertThat(s.displayName()).isEqualTo("198.18.0.100:53/TCP");
  }

  @Test
  void realServerWeightDefaultsToOneAndPortToTheService() {
    RealServerSpec r = new RealServerSpec("198.18.0.11", null, null);
    assertThat(r.weight()).isEqualTo(RealServerSpec.DEFAULT_WEIGHT).isEqualTo(1);
    assertThat(r.portOr(443)).isEqualTo(443);
    assertThat(new RealServerSpec("198.18.0.11", 8443, 0).portOr(443)).isEqualTo(8443);
  }

  @Test
  void protocolNumbersAreIanas() {
    assertThat(Protocol.TCP.ipProtocolNumber()).isEqualTo(6);
    assertThat(Protocol.UDP.ipProtocolNumber()).isEqualTo(17);
  }

  @Test
  void schedulerNames() {
    assertThat(SchedulerName.of("mh")).isEqualTo(SchedulerName.MH);
    assertThat(SchedulerName.of("WRR")).isEqualTo(SchedulerName.WRR);
    assertThat(SchedulerName.names()).isEqualTo("rr, wrr, lc, wlc, sh, mh");
    assertThatThrownBy(() -> SchedulerName.of("dh")).hasMessageContaining("\"dh\"");
  }

  @Test
  void validSpecHasNoViolations() {
    DirectorSpec d = director(List.of("198.18.0.2/24"), List.of("198.18.0.100"),
        List.of(new RouteSpec("0.0.0.0/0", "198.18.0.1")),
        List.of(service("198.18.0.100", 80, null, new RealServerSpec("198.18.0.11", null, null))));
    assertThat(DirectorSpecValidator.validate(d)).isEmpty();
  }

  @Test
  void routesAreNotCheckedAgainstAnEmptyAddressList() {
    // addresses empty: the DIP comes from the interface at run time, unknown here
    DirectorSpec d = director(List.of(), List.of(), List.of(new RouteSpec("0.0.0.0/0", "10.9.9.9")), List.of());
    assertThat(DirectorSpecValidator.validate(d)).isEmpty();
  }

  @Test
  void nullFieldsAreRequired() {
    DirectorSpec d = director(List.of("198.18.0.2/24"), List.of(), List.of(),
        List.of(service(null, null, null, new RealServerSpec(null, null, null))));
    assertThat(DirectorSpecValidator.validate(d)).containsExactly(
        "services[0].vip: is required",
        "services[0].port: is required (0 means every port)",
        "services[0].realServers[0].address: is required");
  }

  @Test
  void realServerPortRules() {
    DirectorSpec d = director(List.of("198.18.0.2/24"), List.of(), List.of(), List.of(
        service("198.18.0.100", 80, ForwardingMode.NAT, new RealServerSpec("198.18.0.11", 8080, null)),
        service("198.18.0.100", 81, ForwardingMode.DR, new RealServerSpec("198.18.0.11", 81, null)),
        service("198.18.0.100", 82, ForwardingMode.TUN, new RealServerSpec("198.18.0.11", 83, null))));
    assertThat(DirectorSpecValidator.validate(d)).containsExactly(
        "services[2].realServers[0].port: TUN cannot change the port (82 -> 83); only NAT and FULLNAT can");
  }
}
