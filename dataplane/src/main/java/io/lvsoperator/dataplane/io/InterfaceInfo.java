package io.lvsoperator.dataplane.io;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.dataplane.codec.MacAddress;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** What the dataplane needs to know of its interface: MAC, MTU and the kernel's own addresses. */
public record InterfaceInfo(String name, long mac, int mtu, List<Ipv4Prefix> kernelAddresses) {

  public InterfaceInfo {
    kernelAddresses = List.copyOf(kernelAddresses);
  }

  /** Reads the interface as the kernel of the current network namespace sees it. */
  public static InterfaceInfo read(String name) throws SocketException {
    NetworkInterface nif = NetworkInterface.getByName(name);
    if (nif == null) {
      throw new SocketException("no interface named " + name);
    }
    byte[] hw = nif.getHardwareAddress();
    if (hw == null || hw.length != 6) {
      throw new SocketException("interface " + name + " has no Ethernet MAC address");
    }
    List<Ipv4Prefix> addrs = new ArrayList<>();
    for (InterfaceAddress a : nif.getInterfaceAddresses()) {
      if (a.getAddress() instanceof Inet4Address v4) {
        addrs.add(new Ipv4Prefix(Ipv4.parse(v4.getHostAddress()), a.getNetworkPrefixLength()));
      }
    }
    return new InterfaceInfo(name, MacAddress.of(hw), nif.getMTU(), addrs);
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
