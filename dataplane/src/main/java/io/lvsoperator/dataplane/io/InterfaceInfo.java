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

/** What the dataplane needs to know of its interface: MAC, MTU and the kernel's own addresses. */
public record InterfaceInfo(String name, long mac, int mtu, List<Ipv4Prefix> kernelAddresses) {

  public InterfaceInfo {
    kernelAddresses = List.copyOf(kernelAddresses);
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
    return new InterfaceInfo(name, MacAddress.parse(mac), mtu, addrs);
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
