package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.lvs.conn.TcpState;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.route.RouteTable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConfigCompilerTest {
  static final long MAC = MacAddress.parse("02:00:00:00:00:01");
  static final int TCP = 6;
  static final int UDP = 17;
  static final int VIP = ip("198.18.0.100");
  static final int VIP2 = ip("198.18.0.101");

  /** The node's own address on eth0, as the kernel holds it. */
  static final InterfaceInfo NODE = iface(Ipv4Prefix.parse("198.18.0.5/24"));

  static final String SERVICES = """
      vips: [198.18.0.100, 198.18.0.101]
      routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
      services:
        - {name: default/web, vip: 198.18.0.100, port: 80, mode: DR, scheduler: rr,
           realServers: [{address: 198.18.0.11}, {address: 198.18.0.12, weight: 3}]}
        - {name: default/api, vip: 198.18.0.100, port: 8080, mode: NAT, scheduler: wrr, persistenceSeconds: 60,
           realServers: [{address: 198.18.0.21, port: 80}, {address: 198.18.0.22, port: 80}]}
        - {name: default/dns, vip: 198.18.0.100, port: 53, protocol: UDP, mode: TUN,
           realServers: [{address: 198.18.0.31}]}
        - {name: default/all, vip: 198.18.0.101, port: 0, mode: DR, scheduler: sh,
           realServers: [{address: 198.18.0.41}]}
      connectionTable: {maxEntries: 4096, tcpTimeoutSeconds: 600, tcpFinTimeoutSeconds: 30, udpTimeoutSeconds: 20}
      """;

  static int ip(String s) {
    return Ipv4.parse(s);
  }

  static InterfaceInfo iface(Ipv4Prefix... kernel) {
    return new InterfaceInfo("eth0", MAC, 1500, List.of(kernel));
  }

  static DirectorSpec spec(String text) throws InvalidConfigurationException {
    return DirectorSpecReader.parse(text);
  }

  static ForwardingTable compile(String text, InterfaceInfo iface) throws InvalidConfigurationException {
    return new ConfigCompiler(new StatsRegistry()).compile(spec(text), iface);
  }

  @Test
  void withoutAddressesTheKernelsAddressIsTheDipAndTheKernelAnswersForIt() throws Exception {
    ForwardingTable t = compile("generation: 3\ninterface: eth0\n" + SERVICES, NODE);
    assertThat(t.generation()).isEqualTo(3);
    assertThat(t.iface()).isSameAs(NODE);
    assertThat(t.addresses()).containsExactly(Ipv4Prefix.parse("198.18.0.5/24"));
    assertThat(t.owned().contains(ip("198.18.0.5"))).as("the kernel owns its address").isFalse();
    assertThat(t.owned().contains(VIP)).isTrue();
    assertThat(t.owned().contains(VIP2)).isTrue();
    assertThat(t.routes().nextHop(ip("198.18.0.11"))).isEqualTo(ip("198.18.0.11"));
    assertThat(t.routes().sourceFor(ip("198.18.0.11"))).isEqualTo(ip("198.18.0.5"));
    assertThat(t.routes().nextHop(ip("8.8.8.8"))).isEqualTo(ip("198.18.0.1"));
    assertThat(t.routes().isConnected(ip("198.18.0.200"))).isTrue();
  }

  @Test
  void aConfiguredDipTheKernelDoesNotHoldIsOwned() throws Exception {
    ForwardingTable t = compile("interface: eth0\naddresses: [198.18.0.2/24]\n" + SERVICES, NODE);
    assertThat(t.addresses()).containsExactly(Ipv4Prefix.parse("198.18.0.2/24"));
    assertThat(t.owned().contains(ip("198.18.0.2"))).isTrue();
    assertThat(t.owned().contains(ip("198.18.0.5"))).as("the kernel's address is not ours").isFalse();
    assertThat(t.routes().sourceFor(ip("198.18.0.11"))).isEqualTo(ip("198.18.0.2"));
  }

  @Test
  void aConfiguredDipTheKernelHoldsIsNotOwned() throws Exception {
    ForwardingTable t = compile("interface: eth0\naddresses: [198.18.0.5/24, 10.9.0.1/16]\n" + SERVICES, NODE);
    assertThat(t.addresses()).hasSize(2);
    assertThat(t.owned().contains(ip("198.18.0.5"))).isFalse();
    assertThat(t.owned().contains(ip("10.9.0.1"))).isTrue();
    assertThat(t.routes().isConnected(ip("10.9.3.3"))).isTrue();
  }

  @Test
  void vipsAreListedAndFound() throws Exception {
    ForwardingTable t = compile("interface: eth0\n" + SERVICES, NODE);
    assertThat(t.vipList()).containsExactly(VIP, VIP2);
    assertThat(t.vips().contains(VIP)).isTrue();
    assertThat(t.vips().contains(VIP2)).isTrue();
    assertThat(t.vips().contains(ip("198.18.0.5"))).isFalse();
    assertThat(t.vips().contains(ip("198.18.0.102"))).isFalse();
    assertThat(t.vips().contains(0)).isFalse();
  }

  @Test
  void servicesAreFoundByProtocolVipAndPort() throws Exception {
    ForwardingTable t = compile("interface: eth0\n" + SERVICES, NODE);
    assertThat(t.serviceList()).extracting(VirtualService::name)
        .containsExactly("default/web", "default/api", "default/dns", "default/all");

    VirtualService web = t.services().lookup(TCP, VIP, 80);
    assertThat(web).isNotNull();
    assertThat(web.name()).isEqualTo("default/web");
    assertThat(web.vip()).isEqualTo(VIP);
    assertThat(web.port()).isEqualTo(80);
    assertThat(web.protocol()).isEqualTo(TCP);
    assertThat(web.mode()).isEqualTo(ForwardingMode.DR);
    assertThat(web.scheduler()).isNotNull();
    assertThat(web.persistenceNanos()).isZero();
    assertThat(web.destinations()).extracting(Destination::address, Destination::port, Destination::weight)
        .containsExactly(
            tuple(ip("198.18.0.11"), 80, 1),
            tuple(ip("198.18.0.12"), 80, 3));

    VirtualService api = t.services().lookup(TCP, VIP, 8080);
    assertThat(api.name()).isEqualTo("default/api");
    assertThat(api.mode()).isEqualTo(ForwardingMode.NAT);
    assertThat(api.persistenceNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(60));
    assertThat(api.destinations()).extracting(Destination::port).containsExactly(80, 80);
    assertThat(api.destinationFor(ip("198.18.0.22"), 80)).isSameAs(api.destinations().get(1));
    assertThat(api.destinationFor(ip("198.18.0.22"), 8080)).isNull();

    VirtualService dns = t.services().lookup(UDP, VIP, 53);
    assertThat(dns.name()).isEqualTo("default/dns");
    assertThat(dns.protocol()).isEqualTo(UDP);
    assertThat(t.services().lookup(TCP, VIP, 53)).as("protocol matters").isNull();
    assertThat(t.services().lookup(UDP, VIP, 80)).isNull();
    assertThat(t.services().lookup(TCP, VIP, 81)).as("no every-port service on this VIP").isNull();
    assertThat(t.services().lookup(TCP, ip("198.18.0.102"), 80)).isNull();
  }

  @Test
  void everyPortServiceIsTheFallbackForItsVip() throws Exception {
    ForwardingTable t = compile("""
        interface: eth0
        vips: [198.18.0.101]
        services:
          - {name: default/web, vip: 198.18.0.101, port: 80, realServers: [{address: 198.18.0.11}]}
          - {name: default/all, vip: 198.18.0.101, port: 0, realServers: [{address: 198.18.0.41}]}
        """, NODE);
    assertThat(t.services().lookup(TCP, VIP2, 80).name()).as("an exact port wins").isEqualTo("default/web");
    assertThat(t.services().lookup(TCP, VIP2, 443).name()).isEqualTo("default/all");
    assertThat(t.services().lookup(TCP, VIP2, 65535).name()).isEqualTo("default/all");
    assertThat(t.services().lookup(TCP, VIP2, 0).name()).isEqualTo("default/all");
    assertThat(t.services().lookup(UDP, VIP2, 443)).as("every port, not every protocol").isNull();
    Destination all = t.services().lookup(TCP, VIP2, 443).destinations().get(0);
    assertThat(all.port()).as("the client's port is kept").isZero();
  }

  @Test
  void unnamedServicesAreNamedByVipPortAndProtocol() throws Exception {
    ForwardingTable t = compile("""
        interface: eth0
        services: [{vip: 198.18.0.100, port: 443, realServers: [{address: 198.18.0.11}]}]
        """, NODE);
    assertThat(t.services().lookup(TCP, VIP, 443).name()).isEqualTo("198.18.0.100:443/TCP");
  }

  @Test
  void natRealServersAreTheRipsOfNatServicesOnly() throws Exception {
    ForwardingTable t = compile("interface: eth0\n" + SERVICES, NODE);
    assertThat(t.natRealServers().contains(ip("198.18.0.21"))).isTrue();
    assertThat(t.natRealServers().contains(ip("198.18.0.22"))).isTrue();
    assertThat(t.natRealServers().contains(ip("198.18.0.11"))).as("DR").isFalse();
    assertThat(t.natRealServers().contains(ip("198.18.0.31"))).as("TUN").isFalse();
    assertThat(t.natRealServers().contains(ip("198.18.0.41"))).isFalse();
  }

  @Test
  void timeoutsComeFromTheConnectionTableSpec() throws Exception {
    ForwardingTable t = compile("interface: eth0\n" + SERVICES, NODE);
    assertThat(t.timeouts().tcp(TcpState.ESTABLISHED)).isEqualTo(TimeUnit.SECONDS.toNanos(600));
    assertThat(t.timeouts().tcp(TcpState.FIN_WAIT)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
    assertThat(t.timeouts().udp()).isEqualTo(TimeUnit.SECONDS.toNanos(20));
    assertThat(t.spec().connectionTable().maxEntries()).isEqualTo(4096);
  }

  @Test
  void noAddressAnywhereIsInvalid() throws Exception {
    DirectorSpec s = spec("interface: eth0\n" + SERVICES);
    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
        () -> new ConfigCompiler(new StatsRegistry()).compile(s, iface()));
    assertThat(e).isNotNull();
    assertThat(e.violations()).singleElement().asString().startsWith("addresses:").contains("eth0");
  }

  static DestinationStats stats(ForwardingTable t, int protocol, int port, String rip) {
    VirtualService s = t.services().lookup(protocol, VIP, port);
    for (Destination d : s.destinations()) {
      if (d.address() == ip(rip)) {
        return d.stats();
      }
    }
    throw new AssertionError("no real server " + rip + " on port " + port);
  }

  @Test
  void aRealServerThatStaysKeepsItsStats() throws Exception {
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    ForwardingTable first = compiler.compile(spec("generation: 1\ninterface: eth0\n" + SERVICES), NODE);
    compiler.committed();
    DestinationStats s11 = stats(first, TCP, 80, "198.18.0.11");
    DestinationStats s21 = stats(first, TCP, 8080, "198.18.0.21");
    for (int i = 0; i < 5; i++) {
      s11.opened(0, true);
    }

    // generation 2: weights change, a real server is added; the others stay
    ForwardingTable second = compiler.compile(spec("generation: 2\ninterface: eth0\n" + SERVICES
        .replace("{address: 198.18.0.11}", "{address: 198.18.0.11, weight: 9}")
        .replace("{address: 198.18.0.31}", "{address: 198.18.0.31}, {address: 198.18.0.32}")), NODE);
    compiler.committed();

    assertThat(stats(second, TCP, 80, "198.18.0.11")).isSameAs(s11);
    assertThat(stats(second, TCP, 80, "198.18.0.11").activeConnections()).isEqualTo(5);
    assertThat(stats(second, TCP, 8080, "198.18.0.21")).isSameAs(s21);
    assertThat(stats(second, TCP, 80, "198.18.0.11")).isNotSameAs(stats(second, TCP, 80, "198.18.0.12"));
    assertThat(second.services().lookup(TCP, VIP, 80).destinations().get(0).weight()).isEqualTo(9);
  }

  @Test
  void theSameRipOnAnotherServiceHasItsOwnStats() throws Exception {
    ForwardingTable t = compile("""
        interface: eth0
        services:
          - {vip: 198.18.0.100, port: 80, realServers: [{address: 198.18.0.11}]}
          - {vip: 198.18.0.100, port: 443, realServers: [{address: 198.18.0.11}]}
        """, NODE);
    assertThat(stats(t, TCP, 80, "198.18.0.11")).isNotSameAs(stats(t, TCP, 443, "198.18.0.11"));
  }

  @Test
  void aRealServerRemovedAndAddedBackStartsAfresh() throws Exception {
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    ForwardingTable first = compiler.compile(spec("interface: eth0\n" + SERVICES), NODE);
    compiler.committed();
    DestinationStats s12 = stats(first, TCP, 80, "198.18.0.12");
    DestinationStats s11 = stats(first, TCP, 80, "198.18.0.11");

    String without = "interface: eth0\n" + SERVICES.replace(", {address: 198.18.0.12, weight: 3}", "");
    ForwardingTable second = compiler.compile(spec(without), NODE);
    compiler.committed();
    assertThat(second.services().lookup(TCP, VIP, 80).destinations()).hasSize(1);

    ForwardingTable third = compiler.compile(spec("interface: eth0\n" + SERVICES), NODE);
    compiler.committed();
    assertThat(stats(third, TCP, 80, "198.18.0.12")).isNotSameAs(s12);
    assertThat(stats(third, TCP, 80, "198.18.0.11")).isSameAs(s11);
  }

  @Test
  void aCompileThatWasNotCommittedForgetsNothing() throws Exception {
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    ForwardingTable first = compiler.compile(spec("interface: eth0\n" + SERVICES), NODE);
    compiler.committed();
    DestinationStats s12 = stats(first, TCP, 80, "198.18.0.12");

    // compiled without 198.18.0.12 but never swapped in (say, rejected later)
    compiler.compile(spec("interface: eth0\n" + SERVICES.replace(", {address: 198.18.0.12, weight: 3}", "")), NODE);

    ForwardingTable again = compiler.compile(spec("interface: eth0\n" + SERVICES), NODE);
    compiler.committed();
    assertThat(stats(again, TCP, 80, "198.18.0.12")).isSameAs(s12);
  }

  @Test
  void staticRoutesUseTheirGateway() throws Exception {
    ForwardingTable t = compile("""
        interface: eth0
        addresses: [198.18.0.2/24]
        routes: [{prefix: 198.19.0.0/16, via: 198.18.0.254}]
        """, NODE);
    assertThat(t.routes().nextHop(ip("198.19.3.4"))).isEqualTo(ip("198.18.0.254"));
    assertThat(t.routes().nextHop(ip("8.8.8.8"))).isEqualTo(RouteTable.NO_ROUTE);
    assertThat(t.routes().sourceFor(ip("198.19.3.4"))).isEqualTo(ip("198.18.0.2"));
  }
}
