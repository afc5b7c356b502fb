package io.lvsoperator.dataplane.control;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.lvs.conn.Timeouts;
import io.lvsoperator.dataplane.lvs.service.ServiceTable;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.route.RouteTable;
import java.util.List;

/**
 * One configuration compiled for the fast path: immutable, swapped whole, so every packet sees
 * exactly one configuration.
 *
 * @param spec the configuration it was compiled from
 * @param addresses the effective DIPs (configured, else the kernel's address of the interface)
 * @param owned addresses the dataplane answers ARP and ping for: the VIPs and the DIPs the kernel
 *     does not hold (the kernel answers for its own)
 * @param kernelLocal the interface's own kernel addresses: traffic to them is the node's, even
 *     from a NAT real server (health checks, for one)
 * @param natRealServers RIPs of NAT services, whose replies we must translate
 * @param natReplySources the same with ports: the configured NAT real servers and removed ones
 *     that still have connections (they drain, as IPVS keeps such a dest until its last one ends)
 */
public record ForwardingTable(
    DirectorSpec spec,
    InterfaceInfo iface,
    List<Ipv4Prefix> addresses,
    List<Integer> vipList,
    IntSet vips,
    IntSet owned,
    IntSet kernelLocal,
    IntSet natRealServers,
    List<NatReplySource> natReplySources,
    RouteTable routes,
    List<VirtualService> serviceList,
    ServiceTable services,
    Timeouts timeouts) {

  public long generation() {
    return spec.generation();
  }
}
