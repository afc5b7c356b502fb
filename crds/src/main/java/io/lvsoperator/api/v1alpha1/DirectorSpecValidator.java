package io.lvsoperator.api.v1alpha1;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.net.SpecialAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link DirectorSpec} beyond its types. Returns every violation, each naming its field
 * as a path such as {@code services[0].realServers[1].port}, so a user fixes all at once.
 */
public final class DirectorSpecValidator {
  private static final int MAX_WEIGHT = 65535;
  private static final int MAX_PERSISTENCE_SECONDS = 31 * 24 * 3600;

  private DirectorSpecValidator() {}

  public static List<String> validate(DirectorSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec.generation() < 0) {
      out.add("generation: must not be negative");
    }
    List<Ipv4Prefix> connected = new ArrayList<>();
    for (int i = 0; i < spec.addresses().size(); i++) {
      String a = spec.addresses().get(i);
      try {
        Ipv4Prefix p = Ipv4Prefix.parse(a);
        if (!a.contains("/")) {
          out.add("addresses[" + i + "]: \"" + a + "\" needs a prefix length, such as /24");
        } else {
          connected.add(p);
        }
      } catch (IllegalArgumentException e) {
        out.add("addresses[" + i + "]: " + e.getMessage());
      }
    }
    Set<Integer> vips = new HashSet<>();
    for (int i = 0; i < spec.vips().size(); i++) {
      String v = spec.vips().get(i);
      if (!Ipv4.isValid(v)) {
        out.add("vips[" + i + "]: \"" + v + "\" is not an IPv4 address");
      } else if (special("vips[" + i + "]", v, out)) {
        continue;
      } else if (!vips.add(Ipv4.parse(v))) {
        out.add("vips[" + i + "]: " + v + " is listed twice");
      }
    }
    for (int i = 0; i < spec.routes().size(); i++) {
      validateRoute("routes[" + i + "]", spec.routes().get(i), connected, out);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < spec.services().size(); i++) {
      ServiceSpec s = spec.services().get(i);
      String path = "services[" + i + "]";
      validateService(path, s, out);
      String key = canonical(s.vip()) + ":" + s.port() + "/" + s.protocol();
      Integer other = seen.putIfAbsent(key, i);
      if (other != null) {
        out.add(path + ": " + key + " is already defined by services[" + other + "]");
      }
    }
    validateConnectionTable(spec.connectionTable(), out);
    ShardSpec shard = spec.shard();
    if (shard != null && (shard.index() == null || shard.count() == null || shard.count() < 1 || shard.index() < 0
        || shard.index() >= shard.count())) {
      out.add("shard: index must be within 0 and count-1, count at least 1");
    }
    if (spec.failover() != null) {
      validateFailover(spec.failover(), out);
    }
    return out;
  }

  private static void validateFailover(FailoverSpec f, List<String> out) {
    if (f.node() == null || f.node().isBlank()) {
      out.add("failover.node: is required (this director's name in the orders)");
    }
    if (f.advertisementIntervalMillis() < FailoverSpec.MIN_INTERVAL_MILLIS
        || f.advertisementIntervalMillis() > FailoverSpec.MAX_INTERVAL_MILLIS) {
      out.add("failover.advertisementIntervalMillis: " + f.advertisementIntervalMillis() + " is not within "
          + FailoverSpec.MIN_INTERVAL_MILLIS + "-" + FailoverSpec.MAX_INTERVAL_MILLIS);
    }
    if (f.holdSeconds() < 0 || f.holdSeconds() > FailoverSpec.MAX_HOLD_SECONDS) {
      out.add("failover.holdSeconds: " + f.holdSeconds() + " is not within 0-" + FailoverSpec.MAX_HOLD_SECONDS);
    }
    Set<String> names = new HashSet<>();
    Map<Integer, String> ids = new HashMap<>();
    for (int i = 0; i < f.peers().size(); i++) {
      PeerSpec p = f.peers().get(i);
      String path = "failover.peers[" + i + "]";
      if (p.name() == null || p.name().isBlank()) {
        out.add(path + ".name: is required");
      } else if (!names.add(p.name())) {
        out.add(path + ".name: " + p.name() + " is listed twice");
      }
      if (!Ipv4.isValid(p.address())) {
        out.add(path + ".address: " + (p.address() == null ? "is required" : "\"" + p.address()
            + "\" is not an IPv4 address"));
      }
      if (p.routerId() == null || p.routerId() < 1 || p.routerId() > 255) {
        out.add(path + ".routerId: " + p.routerId() + " is not within 1-255");
      } else {
        String other = ids.putIfAbsent(p.routerId(), p.name());
        if (other != null) {
          out.add(path + ".routerId: " + p.routerId() + " is already " + other + "'s");
        }
      }
    }
    Set<Integer> addresses = new HashSet<>();
    for (int i = 0; i < f.announce().size(); i++) {
      AnnounceSpec a = f.announce().get(i);
      String path = "failover.announce[" + i + "]";
      if (!Ipv4.isValid(a.address())) {
        out.add(path + ".address: " + (a.address() == null ? "is required" : "\"" + a.address()
            + "\" is not an IPv4 address"));
      } else if (!special(path + ".address", a.address(), out) && !addresses.add(Ipv4.parse(a.address()))) {
        out.add(path + ".address: " + a.address() + " is listed twice");
      }
      if (new HashSet<>(a.directors()).size() != a.directors().size()) {
        out.add(path + ".directors: names a director twice");
      }
    }
  }

  /** 198.18.000.100 and 198.18.0.100 are one address: compare them parsed. */
  private static String canonical(String address) {
    return Ipv4.isValid(address) ? Ipv4.format(Ipv4.parse(address)) : String.valueOf(address);
  }

  private static void validateRoute(
      String path, RouteSpec r, List<Ipv4Prefix> connected, List<String> out) {
    try {
      Ipv4Prefix.parse(r.prefix());
    } catch (IllegalArgumentException e) {
      out.add(path + ".prefix: " + e.getMessage());
    }
    if (!Ipv4.isValid(r.via())) {
      out.add(path + ".via: " + (r.via() == null ? "is required" : "\"" + r.via() + "\" is not an IPv4 address"));
    } else if (!connected.isEmpty()) {
      int via = Ipv4.parse(r.via());
      if (connected.stream().noneMatch(p -> p.contains(via))) {
        out.add(path + ".via: " + r.via() + " is not inside any prefix of addresses");
      }
    }
  }

  private static void validateService(String path, ServiceSpec s, List<String> out) {
    if (!Ipv4.isValid(s.vip())) {
      out.add(path + ".vip: " + (s.vip() == null ? "is required" : "\"" + s.vip() + "\" is not an IPv4 address"));
    } else {
      special(path + ".vip", s.vip(), out);
    }
    if (s.port() == null) {
      out.add(path + ".port: is required (0 means every port)");
    } else if (s.port() < 0 || s.port() > 65535) {
      out.add(path + ".port: " + s.port() + " is not within 0-65535");
    }
    if (s.fullNatSource() != null && s.mode() != ForwardingMode.FULLNAT) {
      out.add(path + ".fullNatSource: only FULLNAT chooses a source address (mode is " + s.mode() + ")");
    }
    if (s.persistenceSeconds() < 0 || s.persistenceSeconds() > MAX_PERSISTENCE_SECONDS) {
      out.add(path + ".persistenceSeconds: must be within 0-" + MAX_PERSISTENCE_SECONDS);
    }
    if (s.healthCheck() != null) {
      validateHealthCheck(path + ".healthCheck", s.healthCheck(), out);
    }
    Set<String> rips = new HashSet<>();
    for (int j = 0; j < s.realServers().size(); j++) {
      RealServerSpec r = s.realServers().get(j);
      String rp = path + ".realServers[" + j + "]";
      if (!Ipv4.isValid(r.address())) {
        out.add(rp + ".address: " + (r.address() == null ? "is required" : "\"" + r.address() + "\" is not an IPv4 address"));
      } else {
        special(rp + ".address", r.address(), out);
      }
      if (r.port() != null) {
        if (r.port() < 0 || r.port() > 65535) {
          out.add(rp + ".port: " + r.port() + " is not within 0-65535");
        } else if (!s.mode().translates() && s.port() != null && !r.port().equals(s.port())) {
          out.add(rp + ".port: " + s.mode() + " cannot change the port (" + s.port() + " -> " + r.port()
              + "); only NAT and FULLNAT can");
        } else if (s.port() != null && s.port() == 0 && r.port() != 0) {
          out.add(rp + ".port: a service on every port (port 0) forwards to the same port; leave it out");
        }
      }
      if (r.weight() < 0 || r.weight() > MAX_WEIGHT) {
        out.add(rp + ".weight: " + r.weight() + " is not within 0-" + MAX_WEIGHT);
      }
      if (!rips.add(canonical(r.address()) + ":" + (r.port() != null ? r.port() : s.port()))) {
        out.add(rp + ": " + r.address() + " is listed twice");
      }
    }
  }

  /**
   * Adds a violation when {@code address} (valid IPv4) is one no tenant may announce or send to
   * (loopback, link-local, multicast...); returns whether it did.
   */
  public static boolean special(String path, String address, List<String> out) {
    SpecialAddress kind = SpecialAddress.of(Ipv4.parse(address));
    if (kind != null) {
      out.add(path + ": " + address + " is " + kind.description());
    }
    return kind != null;
  }

  /** The health check's bounds; shared by the operator, whose paths start at spec.healthCheck. */
  public static void validateHealthCheck(String path, HealthCheckSpec h, List<String> out) {
    if (!h.type().equals("tcp") && !h.type().equals("http")) {
      out.add(path + ".type: \"" + h.type() + "\" is not tcp or http");
    }
    if (!h.path().matches(HealthCheckSpec.PATH_PATTERN)) {
      // shown escaped: a CR or LF in a message would forge log lines as well
      out.add(path + ".path: must start with / and hold at most 1024 printable ASCII characters, no spaces,"
          + " CR or LF (got " + h.path().codePoints().limit(64).collect(StringBuilder::new,
              (b, c) -> b.append(c >= 0x21 && c <= 0x7e ? Character.toString(c) : String.format("\\x%02x", c)),
              StringBuilder::append) + (h.path().length() > 64 ? "..." : "") + ")");
    }
    bounded(path + ".intervalSeconds", h.intervalSeconds(), HealthCheckSpec.MAX_INTERVAL_SECONDS, out);
    bounded(path + ".timeoutSeconds", h.timeoutSeconds(), HealthCheckSpec.MAX_TIMEOUT_SECONDS, out);
    bounded(path + ".rise", h.rise(), HealthCheckSpec.MAX_RISE_FALL, out);
    bounded(path + ".fall", h.fall(), HealthCheckSpec.MAX_RISE_FALL, out);
    if (h.port() != null && (h.port() < 1 || h.port() > 65535)) {
      out.add(path + ".port: " + h.port() + " is not within 1-65535");
    }
  }

  private static void bounded(String path, int value, int max, List<String> out) {
    if (value < 1 || value > max) {
      out.add(path + ": " + value + " is not within 1-" + max);
    }
  }

  private static void validateConnectionTable(ConnectionTableSpec c, List<String> out) {
    if (c.maxEntries() < 16 || c.maxEntries() > (1 << 26)) {
      out.add("connectionTable.maxEntries: " + c.maxEntries() + " is not within 16-" + (1 << 26));
    }
    if (c.tcpTimeoutSeconds() < 1) {
      out.add("connectionTable.tcpTimeoutSeconds: must be at least 1");
    }
    if (c.tcpFinTimeoutSeconds() < 1) {
      out.add("connectionTable.tcpFinTimeoutSeconds: must be at least 1");
    }
    if (c.udpTimeoutSeconds() < 1) {
      out.add("connectionTable.udpTimeoutSeconds: must be at least 1");
    }
  }
}
