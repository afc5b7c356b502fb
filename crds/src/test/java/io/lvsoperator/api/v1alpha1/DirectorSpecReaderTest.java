package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration contract of docs/architecture.md, "Dataplane configuration (the contract)",
 * read from YAML and JSON, and how bad documents fail.
 */
class DirectorSpecReaderTest {

  /** The example of docs/architecture.md, "Dataplane configuration (the contract)", comments and all. */
  static final String DESIGN_EXAMPLE = """
      generation: 7                      # increases with every change; reported back as applied
      interface: eth0                    # where the dataplane owns traffic (flag --interface overrides)
      addresses: [198.18.0.2/24]         # DIPs the dataplane answers ARP for and uses as its source
      vips: [198.18.0.100]               # VIPs this director announces (ARP replies, gratuitous ARP)
      routes:                            # beyond the connected prefixes of `addresses`
        - {prefix: 198.19.0.0/16, via: 198.18.0.1}
      services:
        - name: default/web              # namespace/name of the VirtualService
          vip: 198.18.0.100
          port: 80                       # 0 = all ports (firewall-mark style services)
          protocol: TCP                  # TCP | UDP
          mode: DR                       # DR | NAT | TUN
          scheduler: rr                  # rr | wrr | lc | wlc | sh | mh (Maglev)
          persistenceSeconds: 0          # client-IP affinity, 0 = off
          healthCheck: {type: tcp, intervalSeconds: 2, timeoutSeconds: 1, rise: 2, fall: 2}
          realServers:
            - {address: 198.18.0.11, port: 80, weight: 1}
      """;

  static final String DESIGN_EXAMPLE_JSON = """
      {
        "generation": 7,
        "interface": "eth0",
        "addresses": ["198.18.0.2/24"],
        "vips": ["198.18.0.100"],
        "routes": [{"prefix": "198.19.0.0/16", "via": "198.18.0.1"}],
        "services": [
          {
            "name": "default/web",
            "vip": "198.18.0.100",
            "port": 80,
            "protocol": "TCP",
            "mode": "DR",
            "scheduler": "rr",
            "persistenceSeconds": 0,
            "healthCheck": {"type": "tcp", "intervalSeconds": 2, "timeoutSeconds": 1, "rise": 2, "fall": 2},
            "realServers": [{"address": "198.18.0.11", "port": 80, "weight": 1}]
          }
        ]
      }
      """;

  /** Only what has no default. */
  static final String MINIMAL = """
      interface: eth0
      addresses: [198.18.0.2/24]
      vips: [198.18.0.100]
      services:
        - vip: 198.18.0.100
          port: 80
          realServers:
            - address: 198.18.0.11
      """;

  static List<String> violations(String text) {
    InvalidConfigurationException e =
        catchThrowableOfType(InvalidConfigurationException.class, () -> DirectorSpecReader.parse(text));
    assertThat(e).as("expected %s to be rejected", text).isNotNull();
    assertThat(e.violations()).isNotEmpty();
    assertThat(e.getMessage()).contains(e.violations().get(0));
    return e.violations();
  }

  static void assertDesignExample(DirectorSpec spec) {
    assertThat(spec.generation()).isEqualTo(7L);
    assertThat(spec.interfaceName()).isEqualTo("eth0");
    assertThat(spec.addresses()).containsExactly("198.18.0.2/24");
    assertThat(spec.vips()).containsExactly("198.18.0.100");
    assertThat(spec.routes()).containsExactly(new RouteSpec("198.19.0.0/16", "198.18.0.1"));
    assertThat(spec.services()).hasSize(1);
    ServiceSpec s = spec.services().get(0);
    assertThat(s.name()).isEqualTo("default/web");
    assertThat(s.displayName()).isEqualTo("default/web");
    assertThat(s.vip()).isEqualTo("198.18.0.100");
    assertThat(s.port()).isEqualTo(80);
    assertThat(s.protocol()).isEqualTo(Protocol.TCP);
    assertThat(s.mode()).isEqualTo(ForwardingMode.DR);
    assertThat(s.scheduler()).isEqualTo(SchedulerName.RR);
    assertThat(s.persistenceSeconds()).isZero();
    assertThat(s.healthCheck()).isEqualTo(new HealthCheckSpec("tcp", "/", 2, 1, 2, 2, null));
    assertThat(s.realServers()).containsExactly(new RealServerSpec("198.18.0.11", 80, 1));
    assertThat(spec.connectionTable()).isEqualTo(ConnectionTableSpec.DEFAULTS);
  }

  @Test
  void readsTheDesignExample() throws Exception {
    assertDesignExample(DirectorSpecReader.parse(DESIGN_EXAMPLE));
  }

  @Test
  void readsTheSameDocumentAsJson() throws Exception {
    DirectorSpec json = DirectorSpecReader.parse(DESIGN_EXAMPLE_JSON);
    assertDesignExample(json);
    assertThat(json).isEqualTo(DirectorSpecReader.parse(DESIGN_EXAMPLE));
  }

  @Test
  void readsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("director.yaml");
    Files.writeString(file, DESIGN_EXAMPLE);
    assertDesignExample(DirectorSpecReader.read(file));
  }

  @Test
  void fillsDefaultsAsIpvsadmDoes() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(MINIMAL);
    assertThat(spec.generation()).isZero();
    assertThat(spec.routes()).isEmpty();
    ServiceSpec s = spec.services().get(0);
    assertThat(s.name()).isNull();
    assertThat(s.displayName()).isEqualTo("198.18.0.100:80/TCP");
    assertThat(s.protocol()).isEqualTo(Protocol.TCP);
    assertThat(s.mode()).isEqualTo(ForwardingMode.DR);
    assertThat(s.scheduler()).isEqualTo(SchedulerName.WLC);
    assertThat(s.persistenceSeconds()).isZero();
    assertThat(s.healthCheck()).isNull();
    RealServerSpec r = s.realServers().get(0);
    assertThat(r.weight()).isEqualTo(1);
    assertThat(r.port()).isNull();
    assertThat(r.portOr(80)).isEqualTo(80);
    ConnectionTableSpec c = spec.connectionTable();
    assertThat(c.maxEntries()).isEqualTo(1 << 20);
    assertThat(c.tcpTimeoutSeconds()).isEqualTo(900);
    assertThat(c.tcpFinTimeoutSeconds()).isEqualTo(120);
    assertThat(c.udpTimeoutSeconds()).isEqualTo(300);
  }

  @Test
  void healthCheckDefaultsFillWhatIsLeftOut() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(MINIMAL.replace("port: 80\n", "port: 80\n    healthCheck: {type: http}\n"));
    assertThat(spec.services().get(0).healthCheck()).isEqualTo(new HealthCheckSpec("http", "/", 2, 1, 2, 2, null));
  }

  @Test
  void connectionTableOverridesAreRead() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(MINIMAL + """
        connectionTable: {maxEntries: 4096, tcpTimeoutSeconds: 60, tcpFinTimeoutSeconds: 5, udpTimeoutSeconds: 30}
        """);
    assertThat(spec.connectionTable()).isEqualTo(new ConnectionTableSpec(4096, 60, 5, 30));
  }

  @Test
  void schedulerNamesAreIpvsadmsAndCaseInsensitive() throws Exception {
    for (SchedulerName n : SchedulerName.values()) {
      DirectorSpec spec = DirectorSpecReader.parse(MINIMAL.replace("port: 80\n", "port: 80\n    scheduler: "
          + n.ipvsName().toUpperCase() + "\n"));
      assertThat(spec.services().get(0).scheduler()).isEqualTo(n);
    }
  }

  @Test
  void emptyListsAndAllDefaultsParse() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse("interface: eth1\n");
    assertThat(spec.interfaceName()).isEqualTo("eth1");
    assertThat(spec.addresses()).isEmpty();
    assertThat(spec.vips()).isEmpty();
    assertThat(spec.services()).isEmpty();
    assertThat(spec.withInterfaceName("eth2").interfaceName()).isEqualTo("eth2");
    assertThat(spec.withInterfaceName("eth2").withInterfaceName("eth1")).isEqualTo(spec);
  }

  @Test
  void mapperWritesTheContractNames() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(DESIGN_EXAMPLE);
    String written = DirectorSpecReader.mapper().writeValueAsString(spec);
    assertThat(written).contains("interface:").doesNotContain("interfaceName").contains("rr");
    assertThat(DirectorSpecReader.parse(written)).isEqualTo(spec);
  }

  // ---- rejected documents: each violation names its field ----

  @Test
  void emptyDocumentIsRejected() {
    // either the reader's own "the document is empty" or Jackson's end-of-input, named "document"
    for (String empty : List.of("", "   \n", "# nothing but a comment\n", "---\n")) {
      assertThat(violations(empty)).as("%s", empty).singleElement().asString().containsIgnoringCase("document");
    }
  }

  @Test
  void notYamlIsRejected() {
    assertThat(violations("interface: [eth0\n")).singleElement().asString().isNotBlank();
  }

  @Test
  void badRealServerAddressNamesItsPath() {
    String doc = MINIMAL.replace("- address: 198.18.0.11", "- address: 198.18.0.11\n      - address: 198.18.0.300");
    assertThat(violations(doc)).singleElement().asString()
        .startsWith("services[0].realServers[1].address:")
        .contains("198.18.0.300");
  }

  /** Addresses no tenant may announce or send to: each refused, naming the field. */
  @Test
  void specialAddressesAreRefusedAsVipsAndRealServers() {
    assertThat(violations(MINIMAL.replace("vips: [198.18.0.100]", "vips: [127.0.0.1]")))
        .containsExactly("vips[0]: 127.0.0.1 is a loopback address");
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11", "- address: 169.254.169.254")))
        .singleElement().asString().startsWith("services[0].realServers[0].address: 169.254.169.254 is a link-local");
    assertThat(violations(MINIMAL.replace("vip: 198.18.0.100", "vip: 224.0.0.18")))
        .anySatisfy(v -> assertThat(v).startsWith("services[0].vip: 224.0.0.18 is a multicast address"));
  }

  static final String FAILOVER = """
      failover:
        node: dir-a
        peers: [{name: dir-a, address: 198.18.0.2, routerId: 1}, {name: dir-b, address: 198.18.0.3, routerId: 2}]
        announce: [{address: 198.18.0.100, directors: [dir-a, dir-b]}]
      """;

  @Test
  void failoverTakesItsDefaultsFromVrrp() throws Exception {
    FailoverSpec f = DirectorSpecReader.parse(MINIMAL + FAILOVER).failover();
    assertThat(f.node()).isEqualTo("dir-a");
    assertThat(f.advertisementIntervalMillis()).isEqualTo(100);
    assertThat(f.deadIntervalMillis()).isEqualTo(300);
    assertThat(f.holdSeconds()).isEqualTo(10);
    assertThat(f.peers()).extracting(PeerSpec::routerId).containsExactly(1, 2);
    assertThat(f.announce()).singleElement().extracting(AnnounceSpec::owner).isEqualTo("dir-a");
    assertThat(DirectorSpecReader.parse(MINIMAL).failover()).as("absent: the vips, as given").isNull();
    // from a cache: every peer, even one the cached order leaves out, goes ahead of this director
    List<PeerSpec> peers = List.of(new PeerSpec("a", "198.18.0.2", 1), new PeerSpec("b", "198.18.0.3", 2),
        new PeerSpec("d", "198.18.0.4", 4));
    FailoverSpec behind = new FailoverSpec("b", null, null, peers, List.of(
        new AnnounceSpec("198.18.0.100", List.of("b", "c")), new AnnounceSpec("198.18.0.101", List.of("c", "a"))))
        .behindEveryPeer();
    assertThat(behind.announce()).extracting(AnnounceSpec::directors)
        .containsExactly(List.of("a", "d", "c", "b"), List.of("c", "a"));
  }

  /** Every mistake in a failover section named by its field. */
  @Test
  void aFailoverSectionIsCheckedWhole() {
    String bad = """
        failover:
          advertisementIntervalMillis: 5
          holdSeconds: -1
          peers:
            - {name: dir-a, address: 198.18.0.2, routerId: 1}
            - {name: dir-a, address: 198.18.0.300, routerId: 1}
            - {name: dir-c, address: 198.18.0.4, routerId: 256}
          announce:
            - {address: 198.18.0.100, directors: [dir-a, dir-a]}
            - {address: 198.18.0.100, directors: [dir-a]}
            - {address: 127.0.0.1, directors: [dir-a]}
        """;
    assertThat(violations(MINIMAL + bad)).containsExactlyInAnyOrder(
        "failover.node: is required (this director's name in the orders)",
        "failover.advertisementIntervalMillis: 5 is not within 10-40950",
        "failover.holdSeconds: -1 is not within 0-3600",
        "failover.peers[1].name: dir-a is listed twice",
        "failover.peers[1].address: \"198.18.0.300\" is not an IPv4 address",
        "failover.peers[1].routerId: 1 is already dir-a's",
        "failover.peers[2].routerId: 256 is not within 1-255",
        "failover.announce[0].directors: names a director twice",
        "failover.announce[1].address: 198.18.0.100 is listed twice",
        "failover.announce[2].address: 127.0.0.1 is a loopback address");
  }

  /** A health check cannot smuggle a header into its request, nor hold a probe for an hour. */
  @Test
  void healthCheckPathsAndTimeoutsAreBounded() {
    HealthCheckSpec crlf = new HealthCheckSpec("http", "/ok HTTP/1.0\r\nHost: evil\r\n", 2, 1, 2, 2, null);
    List<String> out = new java.util.ArrayList<>();
    DirectorSpecValidator.validateHealthCheck("spec.healthCheck", crlf, out);
    assertThat(out).singleElement().asString().startsWith("spec.healthCheck.path:").contains("\\x0d\\x0a")
        .doesNotContain("\r").doesNotContain("\n");
    out.clear();
    DirectorSpecValidator.validateHealthCheck("spec.healthCheck",
        new HealthCheckSpec("http", "/" + "a".repeat(1024), 7200, 3600, 0, 101, null), out);
    assertThat(out).extracting(v -> v.substring(0, v.indexOf(':'))).containsExactly("spec.healthCheck.path",
        "spec.healthCheck.intervalSeconds", "spec.healthCheck.timeoutSeconds", "spec.healthCheck.rise",
        "spec.healthCheck.fall");
    out.clear();
    DirectorSpecValidator.validateHealthCheck("spec.healthCheck",
        new HealthCheckSpec("http", "/healthz?probe=lvs&x=%20", 3600, 60, 100, 1, 8080), out);
    assertThat(out).isEmpty();
  }

  @Test
  void badVipNamesItsPath() {
    assertThat(violations(MINIMAL.replace("vips: [198.18.0.100]", "vips: [198.18.0]")))
        .containsExactly("vips[0]: \"198.18.0\" is not an IPv4 address");
    assertThat(violations(MINIMAL.replace("  - vip: 198.18.0.100", "  - vip: 198.18.0.1000")))
        .singleElement().asString().startsWith("services[0].vip:");
  }

  @Test
  void badAddressNamesItsPath() {
    assertThat(violations(MINIMAL.replace("addresses: [198.18.0.2/24]", "addresses: [198.18.0.2/24, 198.18.0.3/40]")))
        .singleElement().asString().startsWith("addresses[1]:").contains("40");
    assertThat(violations(MINIMAL.replace("addresses: [198.18.0.2/24]", "addresses: [198.18.0.2]")))
        .singleElement().asString().startsWith("addresses[0]:").contains("prefix length");
  }

  @Test
  void portOutOfRange() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: 65536")))
        .containsExactly("services[0].port: 65536 is not within 0-65535");
    assertThat(violations(MINIMAL.replace("port: 80", "port: -1")))
        .containsExactly("services[0].port: -1 is not within 0-65535");
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    mode: NAT")
        .replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 70000}")))
        .containsExactly("services[0].realServers[0].port: 70000 is not within 0-65535");
  }

  @Test
  void missingPortIsRequired() {
    assertThat(violations(MINIMAL.replace("    port: 80\n", "")))
        .singleElement().asString().startsWith("services[0].port: is required");
  }

  @Test
  void portThatIsNotANumberNamesItsPath() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: http")))
        .singleElement().asString().startsWith("services[0].port:");
  }

  @Test
  void unknownFieldIsNamed() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    shceduler: rr")))
        .singleElement().asString()
        .startsWith("services[0].shceduler:")
        .contains("shceduler");
    assertThat(violations("interfce: eth0\n")).singleElement().asString().startsWith("interfce:");
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11", "- {address: 198.18.0.11, wieght: 2}")))
        .singleElement().asString().startsWith("services[0].realServers[0].wieght:");
  }

  @Test
  void unknownSchedulerIsNamedWithTheChoices() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    scheduler: lblc")))
        .singleElement().asString()
        .startsWith("services[0].scheduler:")
        .contains("unknown scheduler \"lblc\"")
        .contains(SchedulerName.names());
  }

  @Test
  void unknownModeIsNamed() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    mode: SNAT")))
        .singleElement().asString()
        .startsWith("services[0].mode:")
        .contains("SNAT");
  }

  @Test
  void fullNatIsAMode() throws Exception {
    assertThat(DirectorSpecReader.parse(MINIMAL.replace("port: 80", "port: 80\n    mode: FULLNAT")).services().get(0)
        .mode()).isEqualTo(ForwardingMode.FULLNAT);
  }

  @Test
  void unknownProtocolIsNamed() {
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    protocol: SCTP")))
        .singleElement().asString()
        .startsWith("services[0].protocol:");
  }

  @Test
  void directRoutingCannotChangeThePort() {
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 8080}")))
        .singleElement().asString()
        .startsWith("services[0].realServers[0].port:")
        .contains("DR cannot change the port (80 -> 8080)");
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    mode: TUN")
        .replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 8080}")))
        .singleElement().asString().contains("TUN cannot change the port");
  }

  @Test
  void fullNatLeavesFromTheVipUnlessTheNodeIsAskedForAndOnlyFullNatChooses() throws Exception {
    String fullNat = MINIMAL.replace("port: 80", "port: 80\n    mode: FULLNAT");
    assertThat(DirectorSpecReader.parse(fullNat).services().get(0).fullNatSource()).isEqualTo(FullNatSource.VIP);
    assertThat(DirectorSpecReader.parse(fullNat.replace("mode: FULLNAT", "mode: FULLNAT\n    fullNatSource: NODE"))
        .services().get(0).fullNatSource()).isEqualTo(FullNatSource.NODE);
    assertThat(DirectorSpecReader.parse(MINIMAL).services().get(0).fullNatSource()).isNull();
    assertThat(violations(MINIMAL.replace("port: 80", "port: 80\n    fullNatSource: VIP"))).containsExactly(
        "services[0].fullNatSource: only FULLNAT chooses a source address (mode is DR)");
  }

  @Test
  void natMayChangeThePort() throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(MINIMAL.replace("port: 80", "port: 80\n    mode: NAT")
        .replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 8080}"));
    assertThat(spec.services().get(0).realServers().get(0).portOr(80)).isEqualTo(8080);
  }

  @Test
  void duplicateServiceIsRejected() {
    String doc = MINIMAL + """
          - vip: 198.18.0.100
            port: 80
            realServers: [{address: 198.18.0.12}]
        """;
    assertThat(violations(doc))
        .containsExactly("services[1]: 198.18.0.100:80/TCP is already defined by services[0]");
  }

  @Test
  void aShardMustLieWithinItsCount() throws Exception {
    assertThat(DirectorSpecReader.parse(MINIMAL + "shard: {index: 1, count: 2}\n").shard())
        .isEqualTo(new ShardSpec(1, 2));
    assertThat(violations(MINIMAL + "shard: {index: 2, count: 2}\n"))
        .containsExactly("shard: index must be within 0 and count-1, count at least 1");
  }

  @Test
  void duplicateServiceIsFoundWhateverTheAddressSpelling() {
    String doc = MINIMAL + """
          - vip: 198.18.000.100
            port: 80
            realServers: [{address: 198.18.0.12}]
        """;
    assertThat(violations(doc))
        .containsExactly("services[1]: 198.18.0.100:80/TCP is already defined by services[0]");
  }

  @Test
  void sameVipAndPortOnAnotherProtocolIsAnotherService() throws Exception {
    String doc = MINIMAL + """
          - vip: 198.18.0.100
            port: 80
            protocol: UDP
            realServers: [{address: 198.18.0.12}]
        """;
    assertThat(DirectorSpecReader.parse(doc).services()).hasSize(2);
  }

  @Test
  void routeViaOutsideConnectedPrefixesIsRejected() {
    assertThat(violations(MINIMAL + "routes: [{prefix: 0.0.0.0/0, via: 10.0.0.1}]\n"))
        .containsExactly("routes[0].via: 10.0.0.1 is not inside any prefix of addresses");
  }

  @Test
  void routeWithoutViaOrWithBadPrefix() {
    assertThat(violations(MINIMAL + "routes: [{prefix: 0.0.0.0/0}]\n"))
        .containsExactly("routes[0].via: is required");
    assertThat(violations(MINIMAL + "routes: [{prefix: 10.0.0.0/99, via: 198.18.0.1}]\n"))
        .singleElement().asString().startsWith("routes[0].prefix:");
  }

  @Test
  void vipListedTwiceIsRejected() {
    assertThat(violations(MINIMAL.replace("vips: [198.18.0.100]", "vips: [198.18.0.100, 198.18.0.101, 198.18.0.100]")))
        .containsExactly("vips[2]: 198.18.0.100 is listed twice");
  }

  @Test
  void realServerListedTwiceIsRejected() {
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11", "- address: 198.18.0.11\n      - address: 198.18.0.11")))
        .singleElement().asString().startsWith("services[0].realServers[1]:").contains("listed twice");
  }

  @Test
  void realServerListedTwiceOnceWithTheDefaultPortIsRejected() {
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11",
        "- address: 198.18.0.11\n      - {address: 198.18.0.11, port: 80}")))
        .singleElement().asString().startsWith("services[0].realServers[1]:").contains("listed twice");
  }

  @Test
  void weightOutOfRange() {
    assertThat(violations(MINIMAL.replace("- address: 198.18.0.11", "- {address: 198.18.0.11, weight: -1}")))
        .containsExactly("services[0].realServers[0].weight: -1 is not within 0-65535");
  }

  @Test
  void everyPortServiceKeepsThePort() throws Exception {
    DirectorSpec ok = DirectorSpecReader.parse(MINIMAL.replace("port: 80", "port: 0")
        .replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 0}"));
    assertThat(ok.services().get(0).port()).isZero();
    assertThat(violations(MINIMAL.replace("port: 80", "port: 0\n    mode: NAT")
        .replace("- address: 198.18.0.11", "- {address: 198.18.0.11, port: 80}")))
        .singleElement().asString()
        .startsWith("services[0].realServers[0].port: a service on every port (port 0)");
  }

  @Test
  void connectionTableBoundsAreChecked() {
    assertThat(violations(MINIMAL + "connectionTable: {maxEntries: 8, udpTimeoutSeconds: 0}\n"))
        .containsExactly(
            "connectionTable.maxEntries: 8 is not within 16-" + (1 << 26),
            "connectionTable.udpTimeoutSeconds: must be at least 1");
  }

  @Test
  void severalViolationsAreReportedAtOnce() {
    String doc = """
        generation: -3
        interface: eth0
        addresses: [198.18.0.2/24]
        vips: [198.18.0.100, 198.18.0.100, nope]
        routes: [{prefix: 0.0.0.0/0, via: 192.0.2.1}]
        services:
          - vip: 198.18.0.100
            port: 80
            healthCheck: {type: icmp, rise: 0, port: 70000}
            realServers:
              - {address: 198.18.0.11, port: 81}
              - {address: 198.18.0.1234}
          - vip: 198.18.0.100
            port: 80
            persistenceSeconds: -1
            realServers: [{address: 198.18.0.12, weight: 70000}]
        """;
    assertThat(violations(doc)).containsExactlyInAnyOrder(
        "generation: must not be negative",
        "vips[1]: 198.18.0.100 is listed twice",
        "vips[2]: \"nope\" is not an IPv4 address",
        "routes[0].via: 192.0.2.1 is not inside any prefix of addresses",
        "services[0].healthCheck.type: \"icmp\" is not tcp or http",
        "services[0].healthCheck.rise: 0 is not within 1-100",
        "services[0].healthCheck.port: 70000 is not within 1-65535",
        "services[0].realServers[0].port: DR cannot change the port (80 -> 81); only NAT and FULLNAT can",
        "services[0].realServers[1].address: \"198.18.0.1234\" is not an IPv4 address",
        "services[1].persistenceSeconds: must be within 0-" + 31 * 24 * 3600,
        "services[1].realServers[0].weight: 70000 is not within 0-65535",
        "services[1]: 198.18.0.100:80/TCP is already defined by services[0]");
  }
}
