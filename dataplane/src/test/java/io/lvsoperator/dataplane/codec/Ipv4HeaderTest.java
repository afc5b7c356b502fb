package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.testsupport.PcapFile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** IPv4 headers of the captured frames 2-7 of real.pcap, with the values tcpdump -v prints. */
class Ipv4HeaderTest {
  static final PcapFile PCAP = PcapFile.resource("/frames/real.pcap");
  static final int L3 = Ethernet.HEADER_LENGTH;
  static final int IP_A = Ipv4.parse("198.18.7.1");
  static final int IP_B = Ipv4.parse("198.18.7.2");

  /** frame, tos, total length, id, DF, protocol, header checksum, source, destination. */
  static final int[][] EXPECTED = {
    {2, 0x00, 84, 21312, 1, Ipv4Header.PROTO_ICMP, 0x4d41, IP_A, IP_B},
    {3, 0x00, 84, 48297, 0, Ipv4Header.PROTO_ICMP, 0x23d8, IP_B, IP_A},
    {4, 0x00, 60, 35175, 1, Ipv4Header.PROTO_TCP, 0x172d, IP_A, IP_B},
    {5, 0x00, 40, 0, 1, Ipv4Header.PROTO_TCP, 0xa0a8, IP_B, IP_A},
    {6, 0x00, 34, 26236, 1, Ipv4Header.PROTO_UDP, 0x3a27, IP_A, IP_B},
    {7, 0xc0, 62, 48298, 0, Ipv4Header.PROTO_ICMP, 0x232d, IP_B, IP_A},
  };

  static int fullHeaderChecksum(byte[] f, int o) {
    byte[] copy = Arrays.copyOfRange(f, o, o + Ipv4Header.headerLength(f, o));
    copy[10] = 0;
    copy[11] = 0;
    long sum = 0;
    for (int i = 0; i < copy.length; i += 2) {
      sum += ((copy[i] & 0xff) << 8) | (copy[i + 1] & 0xff);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  @Test
  void readsWhatTcpdumpShows() {
    for (int[] e : EXPECTED) {
      byte[] f = PCAP.frame(e[0]).data();
      String at = "frame " + e[0];
      assertThat(Ipv4Header.version(f, L3)).as(at).isEqualTo(4);
      assertThat(Ipv4Header.headerLength(f, L3)).as(at).isEqualTo(20);
      assertThat(Ipv4Header.tos(f, L3)).as(at).isEqualTo(e[1]);
      assertThat(Ipv4Header.totalLength(f, L3)).as(at).isEqualTo(e[2]).isEqualTo(f.length - L3);
      assertThat(Bytes.u16(f, L3 + 4)).as(at + " id").isEqualTo(e[3]);
      assertThat(Ipv4Header.dontFragment(f, L3)).as(at).isEqualTo(e[4] == 1);
      assertThat(Ipv4Header.isFragment(f, L3)).as(at).isFalse();
      assertThat(Ipv4Header.flagsAndOffset(f, L3)).as(at).isEqualTo(e[4] == 1 ? Ipv4Header.FLAG_DF : 0);
      assertThat(Ipv4Header.ttl(f, L3)).as(at).isEqualTo(64);
      assertThat(Ipv4Header.protocol(f, L3)).as(at).isEqualTo(e[5]);
      assertThat(Ipv4Header.checksum(f, L3)).as(at).isEqualTo(e[6]);
      assertThat(Ipv4Header.source(f, L3)).as(at).isEqualTo(e[7]);
      assertThat(Ipv4Header.destination(f, L3)).as(at).isEqualTo(e[8]);
      assertThat(Ipv4Header.checksumValid(f, L3)).as(at).isTrue();
    }
  }

  @Test
  void readsTheHeaderQuotedInsideIcmpUnreachable() {
    byte[] f = PCAP.frame(7).data();
    int inner = L3 + 20 + Icmp.HEADER_LENGTH;
    assertThat(Ipv4Header.source(f, inner)).isEqualTo(IP_A);
    assertThat(Ipv4Header.destination(f, inner)).isEqualTo(IP_B);
    assertThat(Ipv4Header.protocol(f, inner)).isEqualTo(Ipv4Header.PROTO_UDP);
    assertThat(Ipv4Header.checksum(f, inner)).isEqualTo(0x3a27);
    assertThat(Ipv4Header.checksumValid(f, inner)).isTrue();
  }

  @Test
  void checksumValidDetectsACorruptHeader() {
    for (int[] e : EXPECTED) {
      byte[] f = PCAP.frame(e[0]).copy();
      f[L3 + 8] ^= 0x01; // ttl
      assertThat(Ipv4Header.checksumValid(f, L3)).as("frame %d", e[0]).isFalse();
    }
  }

  @Test
  void fragmentsAreRecognised() {
    byte[] f = PCAP.frame(4).copy();
    Bytes.put16(f, L3 + 6, Ipv4Header.FLAG_MF);
    assertThat(Ipv4Header.isFragment(f, L3)).isTrue();
    assertThat(Ipv4Header.dontFragment(f, L3)).isFalse();
    Bytes.put16(f, L3 + 6, 185); // a later fragment, offset 1480
    assertThat(Ipv4Header.isFragment(f, L3)).isTrue();
  }

  @Test
  void rewritingAddressesKeepsTheChecksumEqualToAFullRecompute() {
    int[] targets = {Ipv4.parse("10.0.0.1"), 0, -1, Ipv4.parse("198.18.0.11"), Ipv4.parse("255.0.0.255")};
    for (int[] e : EXPECTED) {
      for (int ip : targets) {
        byte[] f = PCAP.frame(e[0]).copy();
        Ipv4Header.setDestination(f, L3, ip);
        assertThat(Ipv4Header.destination(f, L3)).isEqualTo(ip);
        assertThat(Ipv4Header.source(f, L3)).isEqualTo(e[7]);
        assertThat(Ipv4Header.checksum(f, L3)).as("frame %d dst %s", e[0], Ipv4.format(ip))
            .isEqualTo(fullHeaderChecksum(f, L3));
        assertThat(Ipv4Header.checksumValid(f, L3)).isTrue();

        Ipv4Header.setSource(f, L3, ip ^ 0x5a5a5a5a);
        assertThat(Ipv4Header.source(f, L3)).isEqualTo(ip ^ 0x5a5a5a5a);
        assertThat(Ipv4Header.checksum(f, L3)).as("frame %d src", e[0]).isEqualTo(fullHeaderChecksum(f, L3));
      }
    }
  }

  @Test
  void swappingAddressesBackRestoresTheCapturedBytes() {
    byte[] f = PCAP.frame(2).copy();
    Ipv4Header.setSource(f, L3, IP_B);
    Ipv4Header.setDestination(f, L3, IP_A);
    Ipv4Header.setSource(f, L3, IP_A);
    Ipv4Header.setDestination(f, L3, IP_B);
    assertThat(f).isEqualTo(PCAP.frame(2).data());
  }

  @Test
  void decrementTtlPatchesTheChecksum() {
    for (int[] e : EXPECTED) {
      byte[] f = PCAP.frame(e[0]).copy();
      Ipv4Header.decrementTtl(f, L3);
      assertThat(Ipv4Header.ttl(f, L3)).isEqualTo(63);
      assertThat(Ipv4Header.protocol(f, L3)).isEqualTo(e[5]);
      assertThat(Ipv4Header.checksum(f, L3)).as("frame %d", e[0]).isEqualTo(fullHeaderChecksum(f, L3));
    }
    byte[] f = PCAP.frame(2).copy();
    for (int ttl = 63; ttl >= 0; ttl--) {
      Ipv4Header.decrementTtl(f, L3);
      assertThat(Ipv4Header.ttl(f, L3)).isEqualTo(ttl);
      assertThat(Ipv4Header.checksumValid(f, L3)).as("ttl %d", ttl).isTrue();
    }
  }

  @Test
  void writeReproducesACapturedHeader() {
    byte[] f = new byte[L3 + 20];
    Ipv4Header.write(f, L3, 0, 60, 35175, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, IP_A, IP_B);
    assertThat(Arrays.copyOfRange(f, L3, L3 + 20)).isEqualTo(Arrays.copyOfRange(PCAP.frame(4).data(), L3, L3 + 20));

    Ipv4Header.write(f, L3, 0xc0, 62, 48298, 0, 64, Ipv4Header.PROTO_ICMP, IP_B, IP_A);
    assertThat(Arrays.copyOfRange(f, L3, L3 + 20)).isEqualTo(Arrays.copyOfRange(PCAP.frame(7).data(), L3, L3 + 20));
  }
}
