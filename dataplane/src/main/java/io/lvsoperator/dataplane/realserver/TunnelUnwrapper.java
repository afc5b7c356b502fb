package io.lvsoperator.dataplane.realserver;

import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.io.FrameHandler;

/**
 * The real server's half of TUN without the ipip driver: takes IP-in-IP frames, checks the inner
 * packet goes to one of our VIPs, and hands it to the kernel through the TUN device.
 */
public final class TunnelUnwrapper implements FrameHandler {
  private final IntSet vips;
  private final TunDevice tun;
  private final byte[] inner = new byte[65_536];
  private long unwrapped;
  private long rejected;

  public TunnelUnwrapper(IntSet vips, TunDevice tun) {
    this.vips = vips;
    this.tun = tun;
  }

  @Override
  public void onFrame(byte[] f, int len) {
    int o = Ethernet.HEADER_LENGTH;
    if (len < o + 2 * Ipv4Header.MIN_LENGTH || Ethernet.etherType(f) != Ethernet.TYPE_IPV4
        || Ipv4Header.protocol(f, o) != Ipv4Header.PROTO_IPIP || Ipv4Header.isFragment(f, o)) {
      rejected++;
      return;
    }
    int outer = Ipv4Header.headerLength(f, o);
    int innerAt = o + outer;
    if (len < innerAt + Ipv4Header.MIN_LENGTH) {
      rejected++;
      return;
    }
    int innerLength = Ipv4Header.totalLength(f, innerAt);
    if (innerLength < Ipv4Header.MIN_LENGTH || innerAt + innerLength > len
        || !vips.contains(Ipv4Header.destination(f, innerAt))) {
      rejected++;
      return;
    }
    System.arraycopy(f, innerAt, inner, 0, innerLength);
    if (tun.write(inner, innerLength)) {
      unwrapped++;
    } else {
      rejected++;
    }
  }

  public long unwrapped() {
    return unwrapped;
  }

  public long rejected() {
    return rejected;
  }
}
