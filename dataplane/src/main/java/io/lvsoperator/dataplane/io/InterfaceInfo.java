package io.lvsoperator.dataplane.io;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.dataplane.codec.MacAddress;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dataplane needs to know of its interface: MAC, MTU, the kernel's own addresses, and
 * the kernel's routes through a gateway on it (used when the configuration brings none).
 */
public record InterfaceInfo(
    String name, long mac, int mtu, List<Ipv4Prefix> kernelAddresses, List<KernelRoute> kernelRoutes) {

  /** A kernel route via a gateway on this interface. */
  public record KernelRoute(Ipv4Prefix prefix, int gateway) {}

  public InterfaceInfo {
    kernelAddresses = List.copyOf(kernelAddresses);
    kernelRoutes = List.copyOf(kernelRoutes);
  }

  public InterfaceInfo(String name, long mac, int mtu, List<Ipv4Prefix> kernelAddresses) {
    this(name, mac, mtu, kernelAddresses, List.of());
  }

  /**
   * Reads the interface as the kernel of the current network namespace sees it: MAC and MTU from
   * sysfs (java.net lists no interface that lacks any address), IPv4 addresses from java.net.
   */
  public static InterfaceInfo read(String name) throws IOException {
    Path sys = Path.of("/sys/class/net", name);
    if (name.contains("/") || !Files.isDirectory(sys)) {
      throw new IOException("no interface named " + name);
    }
    String mac = Files.readString(sys.resolve("address")).trim();
    if (mac.length() != 17) {
      throw new IOException("interface " + name + " has no Ethernet MAC address");
    }
    int mtu = Integer.parseInt(Files.readString(sys.resolve("mtu")).trim());
    List<Ipv4Prefix> addrs = new ArrayList<>();
    NetworkInterface nif = NetworkInterface.getByName(name);
    if (nif != null) {
      for (InterfaceAddress a : nif.getInterfaceAddresses()) {
        if (a.getAddress() instanceof Inet4Address v4) {
          addrs.add(new Ipv4Prefix(Ipv4.parse(v4.getHostAddress()), a.getNetworkPrefixLength()));
        }
      }
    }
    return new InterfaceInfo(name, MacAddress.parse(mac), mtu, addrs, kernelRoutes(name, Path.of("/proc/net/route")));
  }

  /** Gateway routes of {@code name} from a /proc/net/route table (hex fields in host order). */
  static List<KernelRoute> kernelRoutes(String name, Path table) throws IOException {
    List<KernelRoute> out = new ArrayList<>();
    if (!Files.exists(table)) {
      return out;
    }
    for (String line : Files.readAllLines(table)) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 8 || !f[0].equals(name)) {
        continue;
      }
      int dst = Integer.reverseBytes(Integer.parseUnsignedInt(f[1], 16));
      int gw = Integer.reverseBytes(Integer.parseUnsignedInt(f[2], 16));
      int mask = Integer.reverseBytes(Integer.parseUnsignedInt(f[7], 16));
      if (gw != 0) {
        out.add(new KernelRoute(new Ipv4Prefix(dst, Integer.bitCount(mask)), gw));
      }
    }
    return out;
  }

  public boolean kernelOwns(int ip) {
    for (Ipv4Prefix p : kernelAddresses) {
      if (p.address() == ip) {
        return true;
      }
    }
    return false;
  }
}
