package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.testsupport.Frames;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Segments cut from a super-frame are the packets it stands for. */
class GsoSegmentsTest {
  @Property(tries = 200)
  void segmentsCarryThePayloadInOrderWithTheirOwnHeadersAndChecksums(@ForAll boolean tcp,
      @ForAll @IntRange(min = 1, max = 20_000) int payload, @ForAll @IntRange(min = 100, max = 9000) int size) {
    byte[] f = tcp
        ? Frames.tcp(1, 2, "198.19.1.10", 40000, "198.18.0.100", 80, Transport.TCP_ACK | 0x08 | 0x01 | 0x80, payload)
        : Frames.udp(1, 2, "198.19.1.10", 40000, "198.18.0.100", 53, payload);
    int headers = GsoSegments.headerLength(f, 14);
    assertThat(headers).isEqualTo(tcp ? 40 : 28);
    int n = GsoSegments.count(f, 14, size);
    assertThat(n).isEqualTo((payload + size - 1) / size);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    byte[] out = new byte[14 + headers + size];
    for (int i = 0; i < n; i++) {
      int length = GsoSegments.write(f, 14, size, i, out, 14);
      byte[] seg = Arrays.copyOf(out, 14 + length);
      assertThat(length - headers).isEqualTo(Math.min(size, payload - i * size));
      assertThat(Frames.checksumsValid(seg)).as("segment %d", i).isTrue();
      assertThat(Ipv4Header.id(seg, 14)).isEqualTo((Ipv4Header.id(f, 14) + i) & 0xffff);
      if (tcp) {
        assertThat(Bytes.i32(seg, 38)).isEqualTo(Bytes.i32(f, 38) + i * size);
        int flags = Transport.tcpFlags(seg, 34);
        assertThat(flags & 0x09).as("FIN and PSH").isEqualTo(i == n - 1 ? 0x09 : 0);
        assertThat(flags & 0x80).as("CWR").isEqualTo(i == 0 ? 0x80 : 0);
        assertThat(flags & Transport.TCP_ACK).isNotZero();
      } else {
        assertThat(Bytes.u16(seg, 38)).isEqualTo(length - 20);
      }
      joined.write(seg, 14 + headers, length - headers);
    }
    assertThat(joined.toByteArray()).isEqualTo(Arrays.copyOfRange(f, 14 + headers, f.length));
  }
}
