package io.lvsoperator.operator.validation;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Addresses of the cluster itself, which no tenant may take as a VIP, a NAT gateway or a static
 * real server: every node's own addresses (a VIP there would hide the node's traffic from its
 * kernel; a real server there makes the director probe and reach the kubelet), the pod ranges
 * the nodes carry ({@code spec.podCIDRs}) and the ranges the administrator reserves (the Service
 * range, which Kubernetes does not publish, with {@code --reserved-cidrs}).
 */
public record ReservedAddresses(Map<Integer, String> nodeAddresses, List<Range> ranges) {
  public static final ReservedAddresses NONE = new ReservedAddresses(Map.of(), List.of());

  /** A reserved prefix and what it is, for the message. */
  public record Range(Ipv4Prefix prefix, String what) {}

  public static ReservedAddresses of(List<Node> nodes, List<Ipv4Prefix> configured) {
    Map<Integer, String> addresses = new HashMap<>();
    List<Range> ranges = new ArrayList<>();
    for (Ipv4Prefix p : configured) {
      ranges.add(new Range(p, "the reserved range " + p + " (--reserved-cidrs)"));
    }
    for (Node n : nodes) {
      String name = n.getMetadata().getName();
      if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
        for (NodeAddress a : n.getStatus().getAddresses()) {
          if (Ipv4.isValid(a.getAddress())) {
            addresses.put(Ipv4.parse(a.getAddress()), name);
          }
        }
      }
      if (n.getSpec() != null && n.getSpec().getPodCIDRs() != null) {
        for (String cidr : n.getSpec().getPodCIDRs()) {
          if (cidr.contains(".")) { // IPv6 pod ranges concern no IPv4 address
            ranges.add(new Range(Ipv4Prefix.parse(cidr), "the pod range " + cidr + " of node " + name));
          }
        }
      }
    }
    return new ReservedAddresses(Map.copyOf(addresses), List.copyOf(ranges));
  }

  /** Why {@code address} belongs to the cluster ("is the address of node node-a"), or null. */
  public String why(String address) {
    int ip = Ipv4.parse(address);
    String node = nodeAddresses.get(ip);
    if (node != null) {
      return "is the address of node " + node;
    }
    for (Range r : ranges) {
      if (r.prefix().contains(ip)) {
        return "is inside " + r.what();
      }
    }
    return null;
  }
}
