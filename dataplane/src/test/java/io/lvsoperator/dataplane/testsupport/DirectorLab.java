package io.lvsoperator.dataplane.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab topology of the network tests, in namespaces only: a client behind a router, and a
 * segment (a bridge in its own namespace) with the router, the director (and for the failover
 * tests a second one) and two real servers.
 *
 * <pre>
 *  cli 198.19.1.10 -- 198.19.1.1 rtr 198.18.0.1 --+-- sw (br0) --+-- dir eth0 (198.18.0.2 = DIP)
 *                                                               +-- dir2 eth0 (198.18.0.3, failover)
 *                                                               +-- rs1 198.18.0.11
 *                                                               +-- rs2 198.18.0.12
 * </pre>
 */
public final class DirectorLab implements AutoCloseable {
  public static final String VIP = "198.18.0.100";
  public static final String DIP = "198.18.0.2";
  /** The second director's DIP, in the failover tests. */
  public static final String DIP2 = "198.18.0.3";
  public static final String GATEWAY = "198.18.0.1";
  public static final String CLIENT = "198.19.1.10";
  public static final List<String> REAL_SERVERS = List.of("rs1", "rs2");

  private final Netns ns;
  /** Every (namespace role, device) of the lab. */
  private final List<List<String>> interfaces = new ArrayList<>();
  /** What {@link #offloads} set last; null: the defaults, GRO off. */
  private Boolean offloads;

  /** Where the end-to-end test's API server listens, on the segment. */
  public static final String API = "198.18.0.250";

  public DirectorLab() throws Exception {
    this(false);
  }

  /** @param withApi also an "api" host on the segment, for a Kubernetes API server and the operator */
  public DirectorLab(boolean withApi) throws Exception {
    this(withApi, false);
  }

  /** @param secondDirector also "dir2" on the segment, a bare interface as "dir"'s */
  public DirectorLab(boolean withApi, boolean secondDirector) throws Exception {
    ns = new Netns("lt");
    List<String> segment = new ArrayList<>(List.of("rtr", "dir", "rs1", "rs2"));
    if (withApi) {
      segment.add("api");
    }
    if (secondDirector) {
      segment.add("dir2");
    }
    ns.add("cli");
    ns.add("sw");
    segment.forEach(ns::add);
    ns.host("ip", "-n", ns.name("cli"), "link", "add", "eth0", "type", "veth", "peer", "name", "c0", "netns",
        ns.name("rtr"));
    ns.exec("sw", "ip", "link", "add", "br0", "type", "bridge");
    ns.exec("sw", "ip", "link", "set", "br0", "up");
    for (String role : segment) {
      String port = "p-" + role;
      String peer = role.equals("rtr") ? "s0" : "eth0";
      ns.host("ip", "-n", ns.name("sw"), "link", "add", port, "type", "veth", "peer", "name", peer, "netns",
          ns.name(role));
      ns.exec("sw", "ip", "link", "set", port, "master", "br0", "up");
      known("sw", port);
    }
    up("cli", "eth0", CLIENT + "/24");
    up("rtr", "c0", "198.19.1.1/24");
    up("rtr", "s0", GATEWAY + "/24");
    up("rs1", "eth0", "198.18.0.11/24");
    up("rs2", "eth0", "198.18.0.12/24");
    if (withApi) {
      up("api", "eth0", API + "/24");
    }
    for (String dir : secondDirector ? List.of("dir", "dir2") : List.of("dir")) {
      ns.exec(dir, "ip", "link", "set", "eth0", "up");
      known(dir, "eth0");
    }
    ns.exec("cli", "ip", "route", "add", "default", "via", "198.19.1.1");
    ns.exec("rtr", "sysctl", "-qw", "net.ipv4.ip_forward=1");
  }

  private void up(String role, String dev, String cidr) {
    ns.exec(role, "ip", "addr", "add", cidr, "dev", dev);
    ns.exec(role, "ip", "link", "set", dev, "up");
    known(role, dev);
  }

  /** Interfaces stay at their defaults: checksum offload, TSO and GSO on, as on hosts. */
  private void known(String role, String dev) {
    interfaces.add(List.of(role, dev));
  }

  /**
   * Every interface of the lab at a host's defaults (checksum offload, TSO and GSO on: senders
   * hand over partial checksums and super-frames) and GRO on at the directors, which then get
   * merged frames; or all of it off, as pcap needs (it cannot tell a partial checksum or a
   * super-frame from a broken frame: README, "Offloads").
   */
  public void offloads(boolean on) {
    if (offloads != null && offloads == on) {
      return;
    }
    offloads = on;
    String state = on ? "on" : "off";
    for (List<String> i : interfaces) {
      if (on) {
        ns.exec(i.get(0), "ethtool", "-K", i.get(1), "tx", "on", "rx", "on", "tso", "on", "gso", "on");
      } else {
        ns.exec(i.get(0), "ethtool", "-K", i.get(1), "tx", "off", "rx", "off");
      }
      if (i.get(0).startsWith("dir")) {
        ns.exec(i.get(0), "ethtool", "-K", i.get(1), "gro", state);
      }
    }
  }

  public Netns ns() {
    return ns;
  }

  /**
   * The director's interface as a bare one (no kernel address; the configuration brings the DIP)
   * or as a Kubernetes node's (the DIP is the kernel's own address, ip_forward=1).
   */
  public void directorInterface(boolean nodeLike) {
    ns.exec("dir", "ip", "-4", "addr", "flush", "dev", "eth0");
    ns.exec("dir", "sysctl", "-qw", "net.ipv4.ip_forward=" + (nodeLike ? 1 : 0));
    if (nodeLike) {
      ns.exec("dir", "ip", "addr", "add", DIP + "/24", "dev", "eth0");
      ns.exec("dir", "ip", "route", "replace", "default", "via", GATEWAY);
    }
  }

  /** Real servers route to the router (DR, TUN) or through the director's DIP (NAT). */
  public void realServerGateway(String via) {
    for (String rs : REAL_SERVERS) {
      ns.exec(rs, "ip", "route", "replace", "default", "via", via);
    }
  }

  /**
   * A java command running the dataplane's main class from this test's classpath. With the
   * environment variable {@code LVS_TEST_WORKERS} set, every director that does not name its
   * workers or pcap runs that many (the network tests at several workers, docs/architecture.md,
   * "Workers").
   */
  public static List<String> dataplane(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.lvsoperator.dataplane.Main"));
    cmd.addAll(List.of(args));
    String workers = System.getenv("LVS_TEST_WORKERS");
    List<String> given = List.of(args);
    if (workers != null && !workers.isBlank() && given.size() > 0 && given.get(0).equals("run")
        && !given.contains("--workers") && !given.contains("pcap")) {
      cmd.addAll(List.of("--workers", workers.trim()));
    }
    return cmd;
  }

  @Override
  public void close() {
    ns.close();
  }
}
