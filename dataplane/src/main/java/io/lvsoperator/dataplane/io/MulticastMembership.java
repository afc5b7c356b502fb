package io.lvsoperator.dataplane.io;

import static io.lvsoperator.dataplane.io.LinuxPacketSockets.AF_PACKET;
import static io.lvsoperator.dataplane.io.LinuxPacketSockets.PACKET_ADD_MEMBERSHIP;
import static io.lvsoperator.dataplane.io.LinuxPacketSockets.PACKET_MREQ_SIZE;
import static io.lvsoperator.dataplane.io.LinuxPacketSockets.PACKET_MR_MULTICAST;
import static io.lvsoperator.dataplane.io.LinuxPacketSockets.SOCK_RAW;
import static io.lvsoperator.dataplane.io.LinuxPacketSockets.SOL_PACKET;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.lvsoperator.dataplane.codec.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the interface listening to multicast MAC addresses (VRRP's 01:00:5e:00:00:12, the IPVS
 * sync group's 01:00:5e:00:00:51), so that a NIC with a multicast filter hands the groups' frames
 * up to the packet socket, whichever packet I/O reads them. A packet socket of its own, which
 * receives nothing (protocol 0), holds the memberships (PACKET_ADD_MEMBERSHIP) while it is open:
 * no IPv4 address is needed on the interface, and the kernel drops its own copy of what arrives
 * (no handler for IP protocol 112, no socket on UDP 8848). A veth passes every frame anyway.
 * Joined again after the interface came back (a new interface forgets its memberships), and left
 * when the socket closes, however the process ends.
 */
public final class MulticastMembership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastMembership.class);

  private final String interfaceName;
  private final long[] macs;
  private int fd = -1;

  public MulticastMembership(String interfaceName, long... macs) {
    this.interfaceName = interfaceName;
    this.macs = macs.clone();
  }

  /** Joins (again); a failure is logged, never thrown: forwarding does not depend on it. */
  public synchronized boolean join() {
    closeSocket();
    try {
      int index = LinuxPacketSockets.if_nametoindex(interfaceName);
      fd = LinuxPacketSockets.socket(AF_PACKET, SOCK_RAW, 0);
      for (long mac : macs) {
        Memory mreq = new Memory(PACKET_MREQ_SIZE);
        mreq.clear();
        mreq.setInt(0, index);
        mreq.setShort(4, (short) PACKET_MR_MULTICAST);
        mreq.setShort(6, (short) 6);
        for (int i = 0; i < 6; i++) {
          mreq.setByte(8 + i, (byte) (mac >>> (40 - 8 * i)));
        }
        LinuxPacketSockets.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, PACKET_MREQ_SIZE);
      }
      LOG.info("director {} listens to multicast {}", interfaceName, formatted());
      return true;
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      closeSocket();
      LOG.warn("director {}: cannot listen to multicast {}: {}; a NIC filtering multicast will hide its peers",
          interfaceName, formatted(), e.getMessage());
      return false;
    }
  }

  private void closeSocket() {
    if (fd >= 0) {
      try {
        LinuxPacketSockets.close(fd);
      } catch (LastErrorException e) {
        // the membership goes with the descriptor either way
      }
      fd = -1;
    }
  }

  private String formatted() {
    return java.util.Arrays.stream(macs).mapToObj(MacAddress::format).toList().toString();
  }

  @Override
  public synchronized void close() {
    closeSocket();
  }
}
