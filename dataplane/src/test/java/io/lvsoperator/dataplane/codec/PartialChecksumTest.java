package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.testsupport.Frames;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** NAT on a partial checksum, finished afterwards, equals the checksum of the rewritten packet. */
class PartialChecksumTest {
  @Property(tries = 300)
  void addressChangesOnAPartialChecksumFinishToTheRewrittenPacketsChecksum(@ForAll boolean tcp,
      @ForAll @IntRange(min = 0, max = 1400) int payload, @ForAll int newSource, @ForAll int newDestination,
      @ForAll @IntRange(min = 1, max = 65535) int newPort) {
    byte[] f = segment(tcp, payload);
    Offload o = new Offload();
    byte[] p = Frames.partial(f, o);
    int field = o.checksumStart() + o.checksumOffset();
    int oldSource = Ipv4Header.source(p, 14);
    int oldDestination = Ipv4Header.destination(p, 14);
    Ipv4Header.setSource(p, 14, newSource);
    Ipv4Header.setDestination(p, 14, newDestination);
    PartialChecksum.addressChanged(p, field, oldSource, newSource);
    PartialChecksum.addressChanged(p, field, oldDestination, newDestination);
    Bytes.put16(p, 36, newPort); // ports: summed when finished, not patched
    PartialChecksum.finish(p, o.checksumStart(), o.checksumOffset(), p.length);
    assertThat(Frames.checksumsValid(p)).isTrue();
  }

  @Property(tries = 100)
  void thePseudoHeaderSumFinishesToTheWholeChecksum(@ForAll boolean tcp,
      @ForAll @IntRange(min = 0, max = 9000) int payload) {
    byte[] f = segment(tcp, payload);
    Offload o = new Offload();
    byte[] p = Frames.partial(f, o);
    PartialChecksum.finish(p, o.checksumStart(), o.checksumOffset(), p.length);
    assertThat(p).isEqualTo(f);
  }

  private static byte[] segment(boolean tcp, int payload) {
    return tcp
        ? Frames.tcp(1, 2, "198.19.1.10", 40000, "198.18.0.100", 80, Transport.TCP_ACK, payload)
        : Frames.udp(1, 2, "198.19.1.10", 40000, "198.18.0.100", 53, payload);
  }
}
