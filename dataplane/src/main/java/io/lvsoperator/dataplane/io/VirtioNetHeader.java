package io.lvsoperator.dataplane.io;

import io.lvsoperator.dataplane.codec.Transport;
import java.nio.ByteBuffer;

/**
 * struct virtio_net_hdr, the 10 bytes a packet socket with PACKET_VNET_HDR puts before every frame
 * both ways: u8 flags, u8 gso_type, then hdr_len, gso_size, csum_start and csum_offset as u16 in
 * the host's byte order (the buffer given must be in native order).
 */
final class VirtioNetHeader {
  static final int LENGTH = 10;

  private VirtioNetHeader() {}

  static void read(ByteBuffer b, int at, Offload into) {
    into.set(b.get(at) & 0xff, b.get(at + 1) & 0xff, b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff,
        b.getShort(at + 8) & 0xffff);
  }

  /**
   * Writes the header for {@code frame}. The header length a super-frame needs (the part each
   * segment repeats) is computed from the frame: the kernel's received hdr_len is no such thing.
   */
  static void write(ByteBuffer b, int at, Offload o, byte[] frame) {
    int headers = 0;
    if (o.gso() && o.partial()) {
      int base = o.gsoType() & ~Offload.GSO_ECN;
      boolean tcp = base == Offload.GSO_TCPV4 || base == Offload.GSO_TCPV6;
      headers = o.checksumStart() + (tcp ? Transport.tcpHeaderLength(frame, o.checksumStart()) : Transport.UDP_LENGTH);
    }
    b.put(at, (byte) o.flags());
    b.put(at + 1, (byte) o.gsoType());
    b.putShort(at + 2, (short) headers);
    b.putShort(at + 4, (short) o.gsoSize());
    b.putShort(at + 6, (short) o.checksumStart());
    b.putShort(at + 8, (short) o.checksumOffset());
  }
}
