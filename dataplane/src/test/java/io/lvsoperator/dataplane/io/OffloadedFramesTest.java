package io.lvsoperator.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** What a packet socket reports is brought into the shapes the engine handles. */
class OffloadedFramesTest {
  final byte[] segment = Frames.tcp(1, 2, "198.19.1.10", 40000, "198.18.0.100", 80, Transport.TCP_ACK, 300);

  @Test
  void aPartialChecksumInTheProtocolsFieldStaysPartial() {
    Offload o = new Offload();
    byte[] p = Frames.partial(segment, o);
    byte[] before = p.clone();
    OffloadedFrames.settle(p, p.length, o);
    assertThat(o.partial()).isTrue();
    assertThat(p).isEqualTo(before);
  }

  @Test
  void aPartialChecksumElsewhereIsFinishedInSoftware() {
    Offload o = new Offload();
    byte[] p = Frames.partial(segment, o);
    o.set(Offload.NEEDS_CSUM, Offload.GSO_NONE, 0, 34, 17); // not where TCP keeps it: a sender's own idea
    p[34 + 16] = 0;
    p[34 + 17] = 0;
    OffloadedFrames.settle(p, p.length, o);
    assertThat(o.partial()).isFalse();
    assertThat(o.checksumTrusted()).isTrue();
  }

  @Test
  void aSuperFrameWithAFinishedChecksumBecomesPartial() {
    Offload o = new Offload().set(Offload.DATA_VALID, Offload.GSO_TCPV4, 100, 0, 0);
    byte[] f = segment.clone();
    OffloadedFrames.settle(f, f.length, o);
    assertThat(o.partial()).isTrue();
    assertThat(o.checksumStart()).isEqualTo(34);
    assertThat(o.checksumOffset()).isEqualTo(16);
    assertThat(Frames.finished(f, o)).isEqualTo(segment);
  }

  @Test
  void resolveFinishesAndRefusesSuperFrames() {
    Offload o = new Offload();
    byte[] p = Frames.partial(segment, o);
    assertThat(OffloadedFrames.resolve(p, p.length, o)).isTrue();
    assertThat(p).isEqualTo(segment);
    Offload gso = new Offload().set(Offload.NEEDS_CSUM, Offload.GSO_TCPV4, 100, 34, 16);
    assertThat(OffloadedFrames.resolve(Frames.partial(segment, new Offload()), segment.length, gso)).isFalse();
  }

  /** struct virtio_net_hdr: two bytes, then four u16 in the host's order; hdr_len computed for GSO. */
  @Test
  void theVirtioNetHeaderLayout() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    Offload o = new Offload().set(Offload.NEEDS_CSUM, Offload.GSO_TCPV4 | Offload.GSO_ECN, 1448, 34, 16);
    VirtioNetHeader.write(b, 2, o, segment);
    assertThat(b.get(2)).isEqualTo((byte) 1);
    assertThat(b.get(3) & 0xff).isEqualTo(0x81);
    assertThat(b.getShort(4)).isEqualTo((short) 54);
    assertThat(b.getShort(6)).isEqualTo((short) 1448);
    assertThat(b.getShort(8)).isEqualTo((short) 34);
    assertThat(b.getShort(10)).isEqualTo((short) 16);
    Offload back = new Offload();
    VirtioNetHeader.read(b, 2, back);
    assertThat(back.toString()).isEqualTo(o.toString());
  }
}
