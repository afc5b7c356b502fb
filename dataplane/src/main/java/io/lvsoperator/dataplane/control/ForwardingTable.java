package io.lvsoperator.dataplane.control;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.lvs.conn.Timeouts;
import io.lvsoperator.dataplane.lvs.service.NatOrigins;
import io.lvsoperator.dataplane.lvs.service.ServiceTable;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.peer.AnnouncePlan;
import io.lvsoperator.dataplane.route.RouteTable;
import java.util.List;

/**
 * One configuration compiled for the fast path: immutable, swapped whole, so every packet sees
 * exactly one configuration.
 *
 * @param spec the configuration it was compiled from
 * @param addresses the effective DIPs (configured, else the kernel's address of the interface)
 * @param vipList the addresses it forwards for (VIPs, NAT gateways): with failover every
 *     service's and every order's, whoever announces them, so a frame that still comes to this
 *     director after its address moved is served; else the configuration's {@code vips}
 * @param owned the VIPs and the DIPs the kernel does not hold: never learnt from another host,
 *     answered when pinged
 * @param dips the DIPs the kernel does not hold: the dataplane always answers ARP for them (the
 *     kernel answers for its own)
 * @param kernelLocal the interface's own kernel addresses: traffic to them is the node's, even
 *     from a NAT real server (health checks, for one)
 * @param natOrigins the NAT service a real server's reply belongs to when no entry knows (adoption)
 * @param announce which of {@code vipList} it announces, and when (failover)
 * @param natRealServers RIPs of NAT services, whose replies we must translate
 * @param fullNatRealServers RIPs of FULLNAT services with source NODE, whose replies come to
 *     {@code localAddress}
 * @param localAddress the address the FULLNAT connections of source NODE leave from (the first
 *     effective DIP: the node's own address in a cluster), 0 when there is none
 * @param fullNatVipRealServers RIPs of FULLNAT services with source VIP, whose replies come to
 *     the VIP
 * @param natReplySources the same with ports: the configured NAT real servers and removed ones
 *     that still have connections (they drain, as IPVS keeps such a dest until its last one ends)
 * @param byClientAddress VIPs whose TCP connections go to a worker by their client's address
 *     alone, not its port: those of services with persistence, whose templates must see every
 *     connection of a client, and those sharing a NAT real server with one (docs/architecture.md,
 *     "Workers")
 * @param byClientAddressRealServers the NAT real servers of those VIPs: their replies go by the
 *     client's address alone too
 */
public record ForwardingTable(
    DirectorSpec spec,
    InterfaceInfo iface,
    List<Ipv4Prefix> addresses,
    List<Integer> vipList,
    IntSet vips,
    IntSet owned,
    IntSet dips,
    IntSet kernelLocal,
    IntSet natRealServers,
    IntSet fullNatRealServers,
    int localAddress,
    IntSet fullNatVipRealServers,
    List<NatReplySource> natReplySources,
    RouteTable routes,
    List<VirtualService> serviceList,
    ServiceTable services,
    NatOrigins natOrigins,
    Timeouts timeouts,
    AnnouncePlan announce,
    IntSet byClientAddress,
    IntSet byClientAddressRealServers) {

  public long generation() {
    return spec.generation();
  }
}
