package io.lvsoperator.dataplane.network;

import static io.lvsoperator.dataplane.testsupport.DirectorLab.CLIENT;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.DIP;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.GATEWAY;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.REAL_SERVERS;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.testsupport.DirectorLab;
import io.lvsoperator.dataplane.testsupport.LabProcess;
import io.lvsoperator.dataplane.testsupport.Netns;
import io.lvsoperator.dataplane.testsupport.PacketCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director as a black box on real Linux networking. Client, router, a switch (bridge),
 * director and two real servers live in network namespaces of this run ({@link DirectorLab});
 * real TCP and UDP go through the VIP in DR, NAT and TUN mode, each on a bare director interface
 * (no kernel address: the configuration brings the DIP) and on a node-like one (the kernel holds
 * the DIP, has a default route and forwards, as on a Kubernetes node).
 *
 * <p>Per mode: the wrr 2:1 split is exact for TCP and UDP; each real server sees every client SYN
 * exactly once (tcpdump on its interface, inner SYNs of IP-in-IP for TUN) and exactly as many
 * connections as it answered, all from the client's own address; nothing but the VIP ever answers
 * the client; a reload that removes rs2 sends new connections to rs1 only while held connections
 * (one of them on rs2) keep their real server; stopping the dataplane and the real-server helper
 * leaves their namespaces' kernel state (nftables, addresses, routes, links, sysctls) as before.
 *
 * <p>Needs root and iproute2 (skipped otherwise); also tcpdump, ethtool, nft, curl, python3 and
 * ping. Every namespace and process is removed at the end, also on failure (AfterAll and a JVM
 * shutdown hook in {@link Netns}); {@code -Dlvs.keepLabFiles=true} keeps the logs and captures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectorNetworkIT {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorNetworkIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final int TCP_PORT = 80;
  private static final int UDP_PORT = 5353;
  private static final int ADMIN_PORT = 7479;
  /** Where the tests reach the admin endpoint: on the director itself, as an operator would. */
  private static final String ADMIN = "127.0.0.1:" + ADMIN_PORT;
  /** An address on the segment that nobody owns: the director must not answer ARP for it. */
  private static final String UNOWNED = "198.18.0.77";
  /** Every test is bounded by @Timeout; the class as a whole by this budget. */
  private static final Duration CLASS_BUDGET = Duration.ofMinutes(6);

  /** A client SYN (SYN without ACK) in plain TCP. */
  private static final String TCP_SYN = "tcp and tcp[13] & 0x12 == 2";
  /** A client SYN inside IP-in-IP, both headers without options: inner protocol, inner TCP flags. */
  private static final String TUNNELLED_SYN = "ip proto 4 and ip[29] == 6 and ip[53] & 0x12 == 2";
  /** Anything reaching the client that does not come from the VIP (ARP is not IP). */
  private static final String NOT_FROM_VIP = "ip and dst host " + CLIENT + " and not src host " + VIP;

  private static final List<String> SYSCTLS = List.of("net.ipv4.ip_forward", "net.ipv4.ip_nonlocal_bind",
      "net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce", "net.ipv4.conf.all.rp_filter",
      "net.ipv4.conf.default.arp_ignore", "net.ipv4.conf.default.arp_announce", "net.ipv4.conf.default.rp_filter",
      "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce", "net.ipv4.conf.lo.rp_filter",
      "net.ipv4.conf.eth0.arp_ignore", "net.ipv4.conf.eth0.arp_announce", "net.ipv4.conf.eth0.rp_filter");
  private static final Pattern LINK = Pattern.compile("^\\d+: (\\S+): <([^>]*)>");

  /** How the director's interface looks to its kernel. */
  enum DirectorInterface {
    /** No kernel address, ip_forward=0; the configuration's {@code addresses} bring the DIP. */
    BARE,
    /** The kernel holds the DIP, a default route and ip_forward=1; {@code addresses} is empty. */
    NODE_LIKE
  }

  /** The packet socket with two engine workers (docs/architecture.md, "Workers"). */
  static final String TWO_WORKERS = "afpacket:2";

  private DirectorLab lab;
  private Netns ns;
  private long startedNanos;
  private final Map<String, LabProcess> servers = new LinkedHashMap<>();

  // per test
  private final List<LabProcess> perTest = new ArrayList<>();
  private final List<PacketCapture> captures = new ArrayList<>();
  private final Map<String, LabProcess> helpers = new LinkedHashMap<>();
  private final Map<String, String> kernelBefore = new LinkedHashMap<>();
  private LabProcess director;
  private Path config;
  private long generation;
  private int tableEntries;
  /**
   * FULLNAT's source: the node's address on a node-like interface with the default I/O (where the
   * kernel guard keeps the kernel off its ports), else the VIP (the default).
   */
  private String fullNatSource = "VIP";
  private int udpSourcePort = 40000;

  /** On failure, before the per-test processes stop: what the director and the lab looked like. */
  @RegisterExtension
  final AfterTestExecutionCallback diagnostics =
      context -> context.getExecutionException().ifPresent(e -> logDiagnostics(context.getDisplayName()));

  @BeforeAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void buildLab() throws Exception {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    startedNanos = System.nanoTime();
    lab = new DirectorLab();
    ns = lab.ns();
    for (String rs : REAL_SERVERS) {
      // the UDP socket on the VIP exists before a DR/TUN helper puts the VIP on lo
      ns.exec(rs, "sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1");
      servers.put(rs, ns.spawn(rs, rs + "-server", "python3", script("server.py"), "--name", rs,
          "--tcp-port", String.valueOf(TCP_PORT), "--udp-port", String.valueOf(UDP_PORT),
          "--udp-bind", "0.0.0.0", "--udp-bind", VIP));
    }
    for (LabProcess server : servers.values()) {
      awaitOutput(server, "ready", Duration.ofSeconds(15));
    }
  }

  @AfterAll
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @BeforeEach
  void withinTheClassBudget() {
    Duration spent = Duration.ofNanos(System.nanoTime() - startedNanos);
    if (spent.compareTo(CLASS_BUDGET) > 0) {
      fail("DirectorNetworkIT has run for %s, over its budget of %s", spent, CLASS_BUDGET);
    }
  }

  @AfterEach
  void stopPerTestProcesses() {
    captures.forEach(PacketCapture::close);
    captures.clear();
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).stop();
    }
    perTest.clear();
    helpers.clear();
    kernelBefore.clear();
    director = null;
  }

  /** The lab itself, without a director: routing, the scripts and the SYN counting work. */
  @Test
  @Order(1)
  void labRoutesTheClientToEachRealServerWithoutADirector() {
    lab.directorInterface(false);
    lab.realServerGateway(GATEWAY);
    // the leak filter of the forwarding tests, shown to match: here the real servers answer directly
    PacketCapture notFromVip = capture("cli", "cli-not-vip", NOT_FROM_VIP);
    for (String rs : REAL_SERVERS) {
      PacketCapture syns = capture(rs, rs + "-syn", TCP_SYN);
      int acceptedBefore = lines(rs, "tcp-accept " + CLIENT + ":");
      JsonNode tcp = client("spread", rip(rs), TCP_PORT, 5);
      assertThat(count(tcp, rs)).as("answers of %s: %s", rs, tcp).isEqualTo(5);
      assertThat(count(tcp, "errors")).as("%s", tcp).isZero();
      assertThat(syns.stopAndCount()).as("SYNs seen by %s", rs).isEqualTo(5);
      assertThat(lines(rs, "tcp-accept " + CLIENT + ":") - acceptedBefore).as("connections %s accepted", rs)
          .isEqualTo(5);
      JsonNode udp = client("udp", rip(rs), UDP_PORT, 3);
      assertThat(count(udp, rs)).as("UDP answers of %s: %s", rs, udp).isEqualTo(3);
    }
    assertThat(notFromVip.stopAndCount()).as("packets from the real servers' own addresses at the client")
        .isGreaterThanOrEqualTo(2 * (5 * 3 + 3));
  }

  static Stream<Arguments> modes() {
    List<Arguments> out = new ArrayList<>();
    // the default I/O (afpacket here) with the interfaces' offloads at their defaults
    for (DirectorInterface iface : DirectorInterface.values()) {
      for (ForwardingMode mode : ForwardingMode.values()) {
        out.add(Arguments.of(mode, iface, "auto"));
      }
    }
    // the portable fallback, with offloads off as it needs, where it matters: on a node
    for (ForwardingMode mode : ForwardingMode.values()) {
      out.add(Arguments.of(mode, DirectorInterface.NODE_LIKE, "pcap"));
    }
    // two engine workers behind one fanout group: each connection's frames, both ways, reach one
    for (ForwardingMode mode : ForwardingMode.values()) {
      out.add(Arguments.of(mode, DirectorInterface.NODE_LIKE, TWO_WORKERS));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on a {1} director interface, {2} I/O")
  @MethodSource("modes")
  @Order(2)
  void forwardsEachConnectionOnceInTheSchedulersProportionAndKeepsConnectionsAcrossAReload(ForwardingMode mode,
      DirectorInterface iface, String io) throws Exception {
    startDirector(mode, iface, io);
    Map<String, Integer> acceptedBefore = perRealServer(rs -> lines(rs, "tcp-accept "));
    Map<String, Integer> udpBefore = perRealServer(rs -> lines(rs, "udp "));
    Map<String, PacketCapture> syns = new LinkedHashMap<>();
    for (String rs : REAL_SERVERS) {
      syns.put(rs, capture(rs, rs + "-syn", mode == ForwardingMode.TUN ? TUNNELLED_SYN : TCP_SYN));
    }
    PacketCapture leaks = capture("cli", "cli-not-vip", NOT_FROM_VIP);

    // 1. wrr 2:1 over 30 new connections, and 5. over 30 UDP flows
    JsonNode tcp = client("spread", VIP, TCP_PORT, 30);
    assertThat(tcp).as("TCP answers through the VIP").isEqualTo(tally(20, 10, 0));
    JsonNode udp = client("udp", VIP, UDP_PORT, 30);
    assertThat(udp).as("UDP answers through the VIP").isEqualTo(tally(20, 10, 0));

    // 2. every SYN reaches its real server exactly once, which answered exactly those connections
    Map<String, Integer> expected = Map.of("rs1", 20, "rs2", 10);
    for (String rs : REAL_SERVERS) {
      int accepted = lines(rs, "tcp-accept ") - acceptedBefore.get(rs);
      assertThat(syns.get(rs).stopAndCount()).as("client SYNs seen on %s's eth0", rs).isEqualTo(accepted)
          .isEqualTo(expected.get(rs));
      boolean fullNat = mode == ForwardingMode.FULLNAT;
      assertThat(servers.get(rs).output().lines().filter(l -> l.startsWith("tcp-accept ")).skip(
          acceptedBefore.get(rs))).as(fullNat ? "%s sees the director's address or the VIP (full-NAT, %s)"
              : "%s sees the client's own address (no source NAT)", rs, fullNatSource)
          .allMatch(l -> l.startsWith("tcp-accept " + (fullNat ? fullNatSource.equals("NODE") ? DIP : VIP : CLIENT)
              + ":"));
      assertThat(lines(rs, "udp ") - udpBefore.get(rs)).as("datagrams %s answered", rs).isEqualTo(expected.get(rs));
    }
    // 3. nothing untranslated reaches the client
    assertThat(leaks.stopAndCount()).as("IP packets reaching the client from another source than the VIP")
        .isZero();

    // the director's own view agrees
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode state = state();
      assertThat(totalConnections(state, "test/tcp")).as("TCP totalConnections in /v1/state: %s", state)
          .isEqualTo(Map.of("198.18.0.11", 20L, "198.18.0.12", 10L));
      assertThat(totalConnections(state, "test/udp")).as("UDP totalConnections in /v1/state: %s", state)
          .isEqualTo(Map.of("198.18.0.11", 20L, "198.18.0.12", 10L));
    });
    JsonNode drops = state().path("drops");
    assertThat(drops.path("bad_ip_checksum").asLong(0) + drops.path("bad_l4_checksum").asLong(0))
        .as("checksum drops (offloads on with the packet socket, off with pcap): %s", drops).isZero();

    // 4. a reload without rs2 keeps established connections and sends new ones to rs1
    reloadWithoutRs2KeepsHeldConnections(mode, iface, io);

    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  private void reloadWithoutRs2KeepsHeldConnections(ForwardingMode mode, DirectorInterface iface, String io)
      throws Exception {
    Path release = ns.workDir().resolve("release-" + mode + "-" + iface + "-" + io);
    LabProcess hold = ns.spawn("cli", "cli-hold", "python3", script("client.py"), "hold", "--host", VIP,
        "--port", String.valueOf(TCP_PORT), "--count", "3", "--until", release.toString(), "--deadline", "40");
    perTest.add(hold);
    awaitOutput(hold, "{\"ready\"", Duration.ofSeconds(15));
    JsonNode first = lastJson(hold.output()).path("ready");
    assertThat(first.toString()).as("first answers on the held connections").doesNotContain("error")
        .contains("\"rs1\"").contains("\"rs2\"");

    writeConfig(mode, iface, false);
    long reloaded = generation;
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(state().path("generation").asLong(-1)).as("applied generation")
            .isEqualTo(reloaded));

    JsonNode after = client("spread", VIP, TCP_PORT, 10);
    assertThat(after).as("new connections after rs2 left the configuration").isEqualTo(tally(10, 0, 0));

    Files.writeString(release, "go");
    assertThat(hold.waitFor(20)).as("held connections finished: %s", hold.output()).isTrue();
    JsonNode result = lastJson(hold.output());
    assertThat(result.path("second")).as("second answers on the held connections (first: %s)", first)
        .isEqualTo(first);
  }

  /** The VIP answers ping; an address the director does not own gets no ARP reply. */
  @ParameterizedTest(name = "on a {0} director interface")
  @EnumSource(DirectorInterface.class)
  @Order(3)
  void answersPingToTheVipAndArpOnlyForWhatItOwns(DirectorInterface iface) throws Exception {
    startDirector(ForwardingMode.DR, iface);
    String ping = ns.execQuiet("cli", "ping", "-c", "3", "-W", "1", "-i", "0.2", VIP);
    assertThat(ping).as("ping from the client to the VIP").contains("3 received");

    String directorMac = mac("dir", "eth0");
    assertThat(ns.exec("rtr", "ip", "neigh", "show", VIP)).as("the router's neighbour entry of the VIP")
        .contains("lladdr " + directorMac);
    ns.execQuiet("rtr", "ping", "-c", "1", "-W", "1", UNOWNED);
    assertThat(ns.exec("rtr", "ip", "neigh", "show", UNOWNED)).as("the router's neighbour entry of %s", UNOWNED)
        .doesNotContain("lladdr").doesNotContain("REACHABLE");

    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  /** A configuration that does not validate is refused; the applied one keeps forwarding. */
  @Test
  @Order(4)
  void refusesAnInvalidReloadAndKeepsForwarding() throws Exception {
    startDirector(ForwardingMode.NAT, DirectorInterface.BARE);
    long applied = generation;
    generation++;
    writeAtomically(config, configYaml(ForwardingMode.NAT, DirectorInterface.BARE, true)
        .replace("port: " + TCP_PORT, "port: 99999"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(reloadFailures())
        .as("lvs_config_reload_failures_total; director log: %s", director.tail(2000)).isGreaterThanOrEqualTo(1));
    assertThat(state().path("generation").asLong(-1)).as("applied generation").isEqualTo(applied);
    JsonNode spread = client("spread", VIP, TCP_PORT, 3);
    assertThat(count(spread, "errors")).as("%s", spread).isZero();

    writeConfig(ForwardingMode.NAT, DirectorInterface.BARE, false);
    long fixed = generation;
    await().atMost(Duration.ofSeconds(15)).untilAsserted(
        () -> assertThat(state().path("generation").asLong(-1)).as("applied generation").isEqualTo(fixed));
    assertThat(count(client("spread", VIP, TCP_PORT, 3), "rs1")).isEqualTo(3);

    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  // --- ICMP and fragments: path MTU discovery works through the director, nothing leaks ---

  /**
   * The client's path has a 1400-byte hop (the router's client-side link) while every host has
   * 1500: the real server's full-size segments of a download are refused there, and the router's
   * fragmentation-needed goes to the VIP. The director must pass it to the real server of that
   * connection (translated in NAT), or the download stalls in a path MTU black hole. In NAT a
   * UDP datagram bigger than the MTU also goes through fragmented both ways, and nothing but
   * the VIP reaches the client (the client's link then has the smaller MTU, as a veth drops
   * frames above its own MTU on receipt).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ForwardingMode.class)
  @Order(4)
  void pathMtuDiscoveryWorksThroughASmallerHopOnTheClientsPath(ForwardingMode mode) throws Exception {
    ns.exec("rtr", "ip", "link", "set", "c0", "mtu", "1400");
    try {
      startDirector(mode, DirectorInterface.NODE_LIKE);
      PacketCapture leaks = capture("cli", "cli-not-vip", NOT_FROM_VIP);
      JsonNode big = bigClient("big", TCP_PORT, 200_000, 3);
      assertThat(big.path("errors").asInt(-1)).as("downloads through a 1400-byte hop: %s", big).isZero();
      assertThat(big.path("bytes").asLong()).isEqualTo(600_000);
      assertThat(metric("lvs_icmp_errors_forwarded_total")).as("fragmentation-needed passed on").isPositive();
      if (mode.translates()) {
        // the client's own link is the small one now (a veth drops frames above its MTU on receipt)
        ns.exec("cli", "ip", "link", "set", "eth0", "mtu", "1400");
        JsonNode udp = bigClient("udpbig", UDP_PORT, 3000, 3);
        assertThat(udp.path("errors").asInt(-1)).as("3000-byte datagrams both ways: %s", udp).isZero();
      }
      assertThat(leaks.stopAndCount()).as("IP packets reaching the client from another source than the VIP").isZero();
      stopDirectorAndCheckItUndidItsKernelSetup();
    } finally {
      ns.exec("rtr", "ip", "link", "set", "c0", "mtu", "1500");
      ns.exec("cli", "ip", "link", "set", "eth0", "mtu", "1500");
    }
  }

  /**
   * Offloads on, as hosts run (issue 12): every interface of the lab with checksum offload and
   * TSO, GRO on at the director. The client's uploads reach the director as partial-checksum
   * super-frames, and in NAT the real servers' downloads too; the director's packet socket takes
   * them for what they are and hands them on (segmenting them itself for TUN). With its frames
   * taken as plain, nothing got through (iperf3 0.000 Gbit/s).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ForwardingMode.class)
  @Order(8)
  void forwardsBulkTrafficWithOffloadsOnAndGroAtTheDirector(ForwardingMode mode) throws Exception {
    startDirector(mode, DirectorInterface.NODE_LIKE, "afpacket");
    JsonNode tcp = client("spread", VIP, TCP_PORT, 9);
    assertThat(tcp).as("TCP answers through the VIP").isEqualTo(tally(6, 3, 0));
    JsonNode udp = client("udp", VIP, UDP_PORT, 9);
    assertThat(udp).as("UDP answers through the VIP").isEqualTo(tally(6, 3, 0));
    JsonNode up = bigClient("upload", TCP_PORT, 4_000_000, 3);
    assertThat(up.path("errors").asInt(-1)).as("uploads: %s", up).isZero();
    assertThat(up.path("bytes").asLong()).isEqualTo(12_000_000);
    JsonNode down = bigClient("big", TCP_PORT, 4_000_000, 3);
    assertThat(down.path("errors").asInt(-1)).as("downloads: %s", down).isZero();
    assertThat(metric("lvs_gso_frames_total")).as("super-frames through the director").isPositive();
    if (mode == ForwardingMode.TUN) {
      assertThat(metric("lvs_gso_segmented_total")).as("segments cut for the tunnel").isPositive();
    }
    JsonNode drops = state().path("drops");
    assertThat(drops.path("bad_l4_checksum").asLong(0)).as("checksum drops: %s", drops).isZero();
    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  /**
   * Only its own frames (issue 12): on a node the packet socket's kernel-side filter keeps the
   * node's own traffic (here 500 pings to the node's address) out of the dataplane, while the
   * VIP's traffic still comes through. Without the filter every one of them was copied into the
   * JVM (and counted as ignored). It also runs as many engine workers as `--workers auto` gives.
   */
  @Test
  @Order(8)
  void theNodesOwnTrafficStaysInTheKernel() throws Exception {
    startDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE);
    assertThat(metric("lvs_socket_filter_active")).as("a filter on the socket").isEqualTo(1);
    assertThat(metric("lvs_socket_filter_wide")).isZero();
    // at its defaults (--workers auto) a director runs half the CPUs it may use, at least one
    String given = System.getenv("LVS_TEST_WORKERS");
    int cpus = Runtime.getRuntime().availableProcessors();
    assertThat(metric("lvs_engine_workers")).as("engine workers at the defaults, on %d CPUs", cpus)
        .isEqualTo(given != null && !given.isBlank() ? Integer.parseInt(given.trim())
            : Math.max(1, Math.min(8, cpus / 2)));
    long before = state().path("counters").path("rx_frames").asLong(-1);
    String ping = ns.exec("rtr", "ping", "-c", "500", "-i", "0.002", "-W", "1", "-q", DIP);
    assertThat(ping).as("the node answers its pings").contains("500 received");
    long seen = state().path("counters").path("rx_frames").asLong(-1) - before;
    assertThat(seen).as("frames of the node's own traffic handed to the dataplane").isLessThan(20);
    assertThat(client("spread", VIP, TCP_PORT, 6)).as("the VIP's traffic passes").isEqualTo(tally(4, 2, 0));
    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  private JsonNode bigClient(String mode, int port, int size, int count) {
    List<String> cmd = new ArrayList<>(List.of("python3", script("client.py"), mode, "--host", VIP, "--port",
        String.valueOf(port), "--count", String.valueOf(count), "--size", String.valueOf(size), "--timeout", "5",
        "--deadline", "30"));
    if (mode.equals("udpbig")) {
      cmd.addAll(List.of("--sport", String.valueOf(udpSourcePort)));
      udpSourcePort += count;
    }
    JsonNode result = lastJson(ns.exec("cli", cmd.toArray(String[]::new)));
    LOG.info("client {} {}:{} {} bytes x{}: {}", mode, VIP, port, size, count, result);
    return result;
  }

  // --- faults: the director keeps forwarding through them and leaves nothing behind ---

  /**
   * The director's link goes down for 2 s and comes back, as {@code ip link set eth0 down/up} on
   * a node does: the director reports not ready meanwhile, reopens its packet port, announces its
   * VIP again and forwards new connections without a restart.
   */
  @ParameterizedTest(name = "{0} I/O")
  @ValueSource(strings = {"pcap", "afpacket", TWO_WORKERS})
  @Order(5)
  void survivesALinkFlap(String io) throws Exception {
    startDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE, io);
    assertThat(client("spread", VIP, TCP_PORT, 6)).as("before the flap").isEqualTo(tally(4, 2, 0));
    double garpBefore = metric("lvs_gratuitous_arp_sent_total");

    ns.exec("dir", "ip", "link", "set", "eth0", "down");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(healthz()).as("/healthz with the link down").startsWith("503"));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    ns.exec("dir", "ip", "link", "set", "eth0", "up");
    // the kernel dropped the node's default route with the link; a node's network setup restores it
    ns.exec("dir", "ip", "route", "replace", "default", "via", GATEWAY);

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(healthz()).as("/healthz after the link came back; log: %s", director.tail(3000))
            .startsWith("200"));
    assertThat(director.alive()).as("the same director process").isTrue();
    assertThat(client("spread", VIP, TCP_PORT, 6)).as("after the flap").isEqualTo(tally(4, 2, 0));
    assertThat(metric("lvs_link_up")).isEqualTo(1);
    assertThat(metric("lvs_gratuitous_arp_sent_total")).as("the VIP announced again").isGreaterThan(garpBefore);
    LOG.info("link flap with {} I/O: port failures {}, reopens {}", io, metric("lvs_port_failures_total"),
        metric("lvs_port_reopens_total"));

    // an MTU change is taken without a restart
    ns.exec("dir", "ip", "link", "set", "eth0", "mtu", "1400");
    try {
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(state().path("mtu").asInt()).as("MTU in /v1/state").isEqualTo(1400));
      assertThat(client("spread", VIP, TCP_PORT, 3).path("errors").asInt(-1)).isZero();
    } finally {
      ns.exec("dir", "ip", "link", "set", "eth0", "mtu", "1500");
    }

    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  /**
   * 50 established connections (each has sent a request) are held while 20,000 spoofed SYN-then-
   * ACK pairs from random sources hit the VIP of a director whose table holds 1,024 entries; at
   * least 49 of the 50 still get their second answer.
   */
  @Test
  @Order(5)
  void aSpoofedSynAckFloodKeepsEstablishedConnectionsAlive() throws Exception {
    startDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE, "afpacket", ADMIN, 1024);
    Path release = ns.workDir().resolve("release-flood");
    LabProcess hold = ns.spawn("cli", "cli-hold-50", "python3", script("client.py"), "hold", "--host", VIP,
        "--port", String.valueOf(TCP_PORT), "--count", "50", "--until", release.toString(), "--deadline", "50");
    perTest.add(hold);
    awaitOutput(hold, "{\"ready\"", Duration.ofSeconds(20));
    assertThat(lastJson(hold.output()).path("ready").toString()).doesNotContain("error");

    String flood = ns.exec("rtr", "python3", script("chaos.py"), "flood", "s0", VIP, String.valueOf(TCP_PORT),
        "--pairs", "20000", "--seconds", "5");
    LOG.info("flood: {}", flood.strip());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(metric("lvs_connection_table_entries")).as("the table is full").isEqualTo(1024));
    assertThat(metric("lvs_connection_table_unconfirmed")).isGreaterThan(900);

    Files.writeString(release, "go");
    assertThat(hold.waitFor(30)).as("held connections finished: %s", hold.output()).isTrue();
    JsonNode second = lastJson(hold.output()).path("second");
    long answered = java.util.stream.StreamSupport.stream(second.spliterator(), false)
        .filter(n -> !n.asText().startsWith("error")).count();
    LOG.info("after the flood: {} of 50 held connections answered", answered);
    assertThat(answered).as("held connections answered after the flood: %s", second).isGreaterThanOrEqualTo(49);
    assertThat(metric("lvs_confirmed_connections_evicted_total")).isZero();
    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  /**
   * SIGKILL leaves no rule in the kernel (the nftables table is owned by the dataplane's nft
   * process and goes with it); a table an older dataplane left behind is replaced at start.
   */
  @Test
  @Order(6)
  void aKilledDirectorLeavesNoKernelRulesAndAStaleTableIsReplaced() throws Exception {
    startDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE);
    assertThat(ns.exec("dir", "nft", "list", "tables")).contains("netdev lvs_dataplane_eth0");
    ns.host("kill", "-KILL", Long.toString(director.pid()));
    assertThat(director.waitFor(10)).as("killed").isTrue();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(ns.exec("dir", "nft", "list", "ruleset").trim()).as("nftables after SIGKILL").isEmpty());
    perTest.remove(director);

    // what a dataplane of the previous version, killed, left: a table without owner that drops the VIP
    ns.exec("dir", "nft", "add table netdev lvs_dataplane_eth0 ; add chain netdev lvs_dataplane_eth0 ingress { type"
        + " filter hook ingress device \"eth0\" priority -500 ; policy accept ; } ; add rule netdev lvs_dataplane_eth0"
        + " ingress ip daddr " + VIP + " drop");
    String stale = ns.exec("dir", "nft", "list", "ruleset");
    LOG.info("left for the next director: {}", stale);
    spawnDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE, "auto", ADMIN);
    assertThat(ns.exec("dir", "nft", "list", "table", "netdev", "lvs_dataplane_eth0")).as("the table in force")
        .contains("flags owner");
    assertThat(client("spread", VIP, TCP_PORT, 6)).isEqualTo(tally(4, 2, 0));
    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  /**
   * On a node address the admin endpoint answers probes and scrapes to anyone, /v1/state only on
   * the node; fifty clients that send one byte and wait do not delay a probe.
   */
  @Test
  @Order(7)
  void theAdminEndpointServesProbesToAllAndStateOnlyLocally() throws Exception {
    startDirector(ForwardingMode.DR, DirectorInterface.NODE_LIKE, "auto", DIP + ":" + ADMIN_PORT);
    String remote = "http://" + DIP + ":" + ADMIN_PORT;
    assertThat(ns.execQuiet("rtr", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
        remote + "/v1/state")).as("/v1/state from another host").isEqualTo("403");
    assertThat(ns.execQuiet("rtr", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{content_type}",
        "--max-time", "2", remote + "/metrics")).as("/metrics from another host")
        .isEqualTo("200 text/plain; version=0.0.4; charset=utf-8");

    LabProcess slow = ns.spawn("rtr", "slow-admin-clients", "python3", "-c", "import socket, time\n"
        + "held = [socket.create_connection(('" + DIP + "', " + ADMIN_PORT + "), timeout=2) for _ in range(50)]\n"
        + "for s in held: s.send(b'G')\n"
        + "print('held', flush=True)\n"
        + "time.sleep(20)\n");
    perTest.add(slow);
    awaitOutput(slow, "held", Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      assertThat(ns.execQuiet("rtr", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1",
          remote + "/healthz")).as("a probe (1 s timeout, as the kubelet's) while 50 clients hold half requests")
          .isEqualTo("200");
    }
    slow.stop();
    stopDirectorAndCheckItUndidItsKernelSetup();
  }

  private String healthz() {
    return ns.execQuiet("dir", "curl", "-s", "-w", " %{http_code}", "--max-time", "2", "http://" + ADMIN + "/healthz")
        .transform(out -> {
          int space = out.lastIndexOf(' ');
          return out.substring(space + 1) + " " + out.substring(0, Math.max(space, 0)).strip();
        });
  }

  private double metric(String name) {
    return ns.execQuiet("dir", "curl", "-s", "--max-time", "2", "http://" + ADMIN + "/metrics").lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  // --- the director and the real-server helpers ---

  private void startDirector(ForwardingMode mode, DirectorInterface iface) throws Exception {
    startDirector(mode, iface, "auto");
  }

  private void startDirector(ForwardingMode mode, DirectorInterface iface, String io) throws Exception {
    startDirector(mode, iface, io, ADMIN);
  }

  /** @param admin the --admin address; a node address also listens on 127.0.0.1 (ADMIN) */
  private void startDirector(ForwardingMode mode, DirectorInterface iface, String io, String admin)
      throws Exception {
    startDirector(mode, iface, io, admin, 0);
  }

  /** @param tableEntries the connection table's size, 0 for the default */
  private void startDirector(ForwardingMode mode, DirectorInterface iface, String io, String admin, int tableEntries)
      throws Exception {
    lab.directorInterface(iface == DirectorInterface.NODE_LIKE);
    // FULLNAT's real servers keep their own default route (the router): their replies go to the
    // director's address on the link, as pods answer through their CNI
    lab.realServerGateway(mode == ForwardingMode.NAT ? DIP : GATEWAY);
    if (!mode.translates()) {
      for (String rs : REAL_SERVERS) {
        kernelBefore.put(rs, kernelView(rs));
        LabProcess helper = ns.spawn(rs, rs + "-realserver-" + mode, DirectorLab.dataplane("realserver",
            "--interface", "eth0", "--mode", mode.name().toLowerCase(), "--vip", VIP).toArray(String[]::new));
        perTest.add(helper);
        helpers.put(rs, helper);
      }
      for (LabProcess helper : helpers.values()) {
        awaitOutput(helper, "ready", Duration.ofSeconds(20));
      }
    }
    assertThat(ns.exec("dir", "nft", "list", "ruleset").trim()).as("director's nftables before the start").isEmpty();
    kernelBefore.put("dir", kernelView("dir"));
    this.tableEntries = tableEntries;
    this.fullNatSource = iface == DirectorInterface.NODE_LIKE && io.equals("auto") ? "NODE" : "VIP";
    spawnDirector(mode, iface, io, admin);
  }

  /** Starts the director only (the real-server helpers of this test run already). */
  private void spawnDirector(ForwardingMode mode, DirectorInterface iface, String io, String admin)
      throws IOException {
    // pcap cannot tell offloaded frames (README, "Offloads"): off for it, at the defaults (and GRO
    // on at the director) for the packet socket
    lab.offloads(!io.equals("pcap"));
    generation = 0;
    config = ns.workDir().resolve("director-" + mode + "-" + iface + ".yaml");
    writeConfig(mode, iface, true);
    // "afpacket:2": that I/O with two engine workers
    String[] ioAndWorkers = io.split(":");
    List<String> args = new ArrayList<>(List.of("run", "--config", config.toString(), "--interface", "eth0",
        "--admin", admin, "--io", ioAndWorkers[0]));
    if (ioAndWorkers.length > 1) {
      args.addAll(List.of("--workers", ioAndWorkers[1]));
    }
    director = ns.spawn("dir", "director-" + mode + "-" + iface + "-" + io.replace(':', '-'),
        DirectorLab.dataplane(args.toArray(String[]::new)).toArray(String[]::new));
    perTest.add(director);
    LabProcess started = director;
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(started.alive()).as("director running: %s", started.tail(4000)).isTrue();
      assertThat(ns.execQuiet("dir", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
          "http://" + ADMIN + "/healthz")).as("GET /healthz").isEqualTo("200");
      assertThat(state().path("generation").asLong(-1)).as("applied generation").isEqualTo(1);
    });
  }

  /**
   * Stops the director (SIGTERM) and the helpers; their namespaces' kernel state must be what it
   * was before they started: no nftables left, same addresses, routes, links and sysctls.
   */
  private void stopDirectorAndCheckItUndidItsKernelSetup() {
    int exit = director.stop();
    LOG.info("director {} stopped with exit code {}", director.name(), exit);
    assertThat(ns.exec("dir", "nft", "list", "ruleset").trim()).as("director's nftables after the stop").isEmpty();
    assertThat(kernelView("dir")).as("director namespace after the stop").isEqualTo(kernelBefore.get("dir"));
    for (Map.Entry<String, LabProcess> h : helpers.entrySet()) {
      int helperExit = h.getValue().stop();
      LOG.info("real-server helper on {} stopped with exit code {}", h.getKey(), helperExit);
      assertThat(kernelView(h.getKey())).as("%s after its real-server helper stopped", h.getKey())
          .isEqualTo(kernelBefore.get(h.getKey()));
    }
  }

  /** What the dataplane may change in a namespace's kernel and must restore. */
  private String kernelView(String role) {
    String links = ns.exec(role, "ip", "-o", "link", "show").lines().map(l -> {
      Matcher m = LINK.matcher(l);
      return m.find() ? m.group(1) + " <" + m.group(2) + ">" : l;
    }).collect(Collectors.joining("\n"));
    List<String> sysctl = new ArrayList<>(List.of("sysctl"));
    sysctl.addAll(SYSCTLS);
    return "links:\n" + links
        + "\naddresses:\n" + ns.exec(role, "ip", "-4", "-o", "addr", "show")
        + "routes:\n" + ns.exec(role, "ip", "-4", "route", "show", "table", "all")
        + "rules:\n" + ns.exec(role, "ip", "-4", "rule", "show")
        + "sysctls:\n" + ns.exec(role, sysctl.toArray(String[]::new))
        + "nftables:\n" + ns.exec(role, "nft", "list", "ruleset");
  }

  private void writeConfig(ForwardingMode mode, DirectorInterface iface, boolean withRs2) throws IOException {
    generation++;
    writeAtomically(config, configYaml(mode, iface, withRs2));
  }

  /** The file is replaced by a rename, so the dataplane never reads half of it. */
  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private String configYaml(ForwardingMode mode, DirectorInterface iface, boolean withRs2) {
    StringBuilder y = new StringBuilder();
    y.append("generation: ").append(generation).append('\n');
    y.append("interface: eth0\n");
    y.append(iface == DirectorInterface.BARE ? "addresses: [" + DIP + "/24]\n" : "addresses: []\n");
    y.append("vips: [").append(VIP).append("]\n");
    y.append("routes:\n  - {prefix: 0.0.0.0/0, via: ").append(GATEWAY).append("}\n");
    y.append("services:\n");
    service(y, "test/tcp", "TCP", TCP_PORT, mode, withRs2);
    service(y, "test/udp", "UDP", UDP_PORT, mode, withRs2);
    if (tableEntries > 0) {
      y.append("connectionTable: {maxEntries: ").append(tableEntries).append("}\n");
    }
    return y.toString();
  }

  private void service(StringBuilder y, String name, String protocol, int port, ForwardingMode mode,
      boolean withRs2) {
    y.append("  - name: ").append(name).append('\n');
    y.append("    vip: ").append(VIP).append('\n');
    y.append("    port: ").append(port).append('\n');
    y.append("    protocol: ").append(protocol).append('\n');
    y.append("    mode: ").append(mode).append('\n');
    if (mode == ForwardingMode.FULLNAT) {
      y.append("    fullNatSource: ").append(fullNatSource).append('\n');
    }
    y.append("    scheduler: wrr\n");
    y.append("    realServers:\n");
    y.append("      - {address: ").append(rip("rs1")).append(", port: ").append(port).append(", weight: 2}\n");
    if (withRs2) {
      y.append("      - {address: ").append(rip("rs2")).append(", port: ").append(port).append(", weight: 1}\n");
    }
  }

  // --- the client, the real servers, captures ---

  private JsonNode client(String mode, String host, int port, int count) {
    List<String> cmd = new ArrayList<>(List.of("python3", script("client.py"), mode, "--host", host, "--port",
        String.valueOf(port), "--count", String.valueOf(count), "--deadline", "20"));
    if (mode.equals("udp")) {
      // fresh source ports for every datagram of the run: no flow is ever reused
      cmd.addAll(List.of("--sport", String.valueOf(udpSourcePort)));
      udpSourcePort = udpSourcePort + count > 60000 ? 40000 : udpSourcePort + count;
    }
    JsonNode result = lastJson(ns.exec("cli", cmd.toArray(String[]::new)));
    LOG.info("client {} {}:{} x{}: {}", mode, host, port, count, result);
    return result;
  }

  private PacketCapture capture(String role, String label, String filter) {
    PacketCapture c = PacketCapture.start(ns, role, "eth0", label, filter);
    captures.add(c);
    return c;
  }

  /** Lines of real server {@code rs}'s log that start with {@code prefix}. */
  private int lines(String rs, String prefix) {
    return (int) servers.get(rs).output().lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static Map<String, Integer> perRealServer(ToIntFunction<String> f) {
    Map<String, Integer> out = new LinkedHashMap<>();
    REAL_SERVERS.forEach(rs -> out.put(rs, f.applyAsInt(rs)));
    return out;
  }

  private static String rip(String rs) {
    return switch (rs) {
      case "rs1" -> "198.18.0.11";
      case "rs2" -> "198.18.0.12";
      default -> throw new IllegalArgumentException(rs);
    };
  }

  /** The lab's scripts, shared with dataplane/lab/lab.sh (tests run in the module directory). */
  private static String script(String name) {
    Path p = Path.of("lab").resolve(name).toAbsolutePath();
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing");
    }
    return p.toString();
  }

  private static void awaitOutput(LabProcess p, String text, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      String out = p.output();
      if (!out.contains(text)) {
        assertThat(p.alive()).as("%s still running; its output: %s", p.name(), p.tail(4000)).isTrue();
      }
      assertThat(out).as("output of %s", p.name()).contains(text);
    });
  }

  private String mac(String role, String dev) {
    String link = ns.exec(role, "ip", "-o", "link", "show", "dev", dev);
    Matcher m = Pattern.compile("link/ether (\\S+)").matcher(link);
    assertThat(m.find()).as("MAC of %s in %s: %s", dev, role, link).isTrue();
    return m.group(1);
  }

  // --- the director's admin endpoint ---

  private JsonNode state() {
    return parse(ns.execQuiet("dir", "curl", "-s", "--max-time", "2", "http://" + ADMIN + "/v1/state"));
  }

  /** address -> totalConnections of the real servers of a service in /v1/state. */
  private static Map<String, Long> totalConnections(JsonNode state, String service) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (JsonNode s : state.path("services")) {
      if (s.path("name").asText().equals(service)) {
        for (JsonNode r : s.path("realServers")) {
          out.put(r.path("address").asText(), r.path("totalConnections").asLong(-1));
        }
      }
    }
    return out;
  }

  private double reloadFailures() {
    return ns.execQuiet("dir", "curl", "-s", "--max-time", "2", "http://" + ADMIN + "/metrics").lines()
        .filter(l -> l.startsWith("lvs_config_reload_failures_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** The client's result: answers per real server and errors. */
  private static JsonNode tally(int rs1, int rs2, int errors) {
    return JSON.createObjectNode().put("rs1", rs1).put("rs2", rs2).put("errors", errors);
  }

  private static int count(JsonNode result, String key) {
    return result.path(key).asInt(0);
  }

  /** The last line of {@code output} that is a JSON object. */
  private static JsonNode lastJson(String output) {
    List<String> lines = output.lines().map(String::trim).filter(l -> l.startsWith("{")).toList();
    if (lines.isEmpty()) {
      throw new AssertionError("no JSON in: " + output);
    }
    return parse(lines.get(lines.size() - 1));
  }

  private static JsonNode parse(String json) {
    try {
      return json.isBlank() ? MissingNode.getInstance() : JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  // --- diagnostics ---

  private void logDiagnostics(String test) {
    if (ns == null) {
      return;
    }
    StringBuilder d = new StringBuilder("diagnostics of failed test " + test);
    try {
      section(d, "director /v1/state", ns.execQuiet("dir", "curl", "-s", "--max-time", "2",
          "http://" + ADMIN + "/v1/state"));
      section(d, "director nftables", ns.execQuiet("dir", "nft", "list", "ruleset"));
      section(d, "director addresses and routes", ns.execQuiet("dir", "ip", "-4", "addr") + ns.execQuiet("dir", "ip",
          "-4", "route"));
      section(d, "router neighbours", ns.execQuiet("rtr", "ip", "neigh"));
      for (String rs : REAL_SERVERS) {
        section(d, rs + " lo and routes", ns.execQuiet(rs, "ip", "-4", "addr", "show", "dev", "lo")
            + ns.execQuiet(rs, "ip", "-4", "route"));
      }
      for (PacketCapture c : captures) {
        section(d, "capture", c.summary(40));
      }
      for (LabProcess p : perTest) {
        section(d, "output of " + p.name() + (p.alive() ? " (running)" : " (ended)"), p.tail(6000));
      }
      for (Map.Entry<String, LabProcess> s : servers.entrySet()) {
        section(d, "output of the " + s.getKey() + " server", s.getValue().tail(1500));
      }
    } catch (RuntimeException e) {
      d.append("\n(diagnostics incomplete: ").append(e).append(')');
    }
    LOG.error("{}", d);
  }

  private static void section(StringBuilder d, String title, String body) {
    d.append("\n--- ").append(title).append(" ---\n").append(body.strip());
  }
}
