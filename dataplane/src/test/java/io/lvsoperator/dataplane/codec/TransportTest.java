package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.testsupport.PcapFile;
import org.junit.jupiter.api.Test;

/** TCP and UDP ports and checksums of the captured frames, and NAT rewrites of them. */
class TransportTest {
  static final PcapFile PCAP = PcapFile.resource("/frames/real.pcap");
  static final int L3 = Ethernet.HEADER_LENGTH;
  static final int L4 = L3 + 20;
  static final int SYN = 4;
  static final int RST = 5;
  static final int UDP = 6;
  static final int IP_A = Ipv4.parse("198.18.7.1");
  static final int IP_B = Ipv4.parse("198.18.7.2");

  /**
   * The TCP or UDP checksum of the segment, computed whole over the pseudo-header (source,
   * destination, zero, protocol, length) and the segment with its checksum field taken as zero;
   * written independently of {@link Checksums} so it can be the oracle.
   */
  static int fullL4Checksum(byte[] f) {
    int ihl = (f[L3] & 0x0f) * 4;
    int total = ((f[L3 + 2] & 0xff) << 8) | (f[L3 + 3] & 0xff);
    int proto = f[L3 + 9] & 0xff;
    int l4 = L3 + ihl;
    int len = total - ihl;
    int csAt = l4 + (proto == Ipv4Header.PROTO_TCP ? 16 : 6);
    long sum = 0;
    for (int i = L3 + 12; i < L3 + 20; i += 2) {
      sum += word(f, i);
    }
    sum += proto;
    sum += len;
    for (int i = l4; i < l4 + len; i += 2) {
      if (i == csAt) {
        continue;
      }
      sum += i + 1 < l4 + len ? word(f, i) : (f[i] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    int cs = (int) (~sum & 0xffff);
    return proto == Ipv4Header.PROTO_UDP && cs == 0 ? 0xffff : cs; // RFC 768: 0 is sent as all ones
  }

  private static int word(byte[] f, int i) {
    return ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
  }

  static int storedL4Checksum(byte[] f) {
    int proto = Ipv4Header.protocol(f, L3);
    return Bytes.u16(f, L4 + (proto == Ipv4Header.PROTO_TCP ? 16 : 6));
  }

  @Test
  void readsPortsAndFlagsAsTcpdumpShows() {
    byte[] syn = PCAP.frame(SYN).data();
    assertThat(Transport.sourcePort(syn, L4)).isEqualTo(54156);
    assertThat(Transport.destinationPort(syn, L4)).isEqualTo(80);
    assertThat(Transport.tcpFlags(syn, L4)).isEqualTo(Transport.TCP_SYN);
    assertThat(Bytes.i32(syn, L4 + 4) & 0xffffffffL).isEqualTo(3826030929L);
    assertThat(storedL4Checksum(syn)).isEqualTo(0xca5b);

    byte[] rst = PCAP.frame(RST).data();
    assertThat(Transport.sourcePort(rst, L4)).isEqualTo(80);
    assertThat(Transport.destinationPort(rst, L4)).isEqualTo(54156);
    assertThat(Transport.tcpFlags(rst, L4)).isEqualTo(Transport.TCP_RST | Transport.TCP_ACK);
    assertThat(storedL4Checksum(rst)).isEqualTo(0xc46c);

    byte[] udp = PCAP.frame(UDP).data();
    assertThat(Transport.sourcePort(udp, L4)).isEqualTo(42607);
    assertThat(Transport.destinationPort(udp, L4)).isEqualTo(5353);
    assertThat(Bytes.u16(udp, L4 + 4)).isEqualTo(Transport.UDP_LENGTH + 6);
    assertThat(new String(udp, L4 + 8, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello\n");
    assertThat(storedL4Checksum(udp)).isEqualTo(0x6675);
  }

  @Test
  void theOracleAgreesWithTheKernelsChecksums() {
    for (int i : new int[] {SYN, RST, UDP}) {
      byte[] f = PCAP.frame(i).data();
      assertThat(fullL4Checksum(f)).as("frame %d", i).isEqualTo(storedL4Checksum(f));
    }
  }

  private static boolean l4Valid(byte[] f) {
    int proto = Ipv4Header.protocol(f, L3);
    return Transport.checksumValid(f, L3, L4, proto, Ipv4Header.totalLength(f, L3) - 20);
  }

  @Test
  void checksumValidOnCapturedSegmentsAndNotOnCorruptedOnes() {
    for (int i : new int[] {SYN, RST, UDP}) {
      assertThat(l4Valid(PCAP.frame(i).data())).as("frame %d", i).isTrue();
      byte[] payloadFlip = PCAP.frame(i).copy();
      payloadFlip[payloadFlip.length - 1] ^= 0x10;
      assertThat(l4Valid(payloadFlip)).as("frame %d, last byte changed", i).isFalse();
      byte[] addressFlip = PCAP.frame(i).copy();
      addressFlip[L3 + 12] ^= 0x01; // the pseudo-header covers the source address
      assertThat(l4Valid(addressFlip)).as("frame %d, source changed", i).isFalse();
    }
  }

  @Test
  void checksumValidAcceptsUdpWithoutChecksum() {
    byte[] f = PCAP.frame(UDP).copy();
    Bytes.put16(f, L4 + 6, 0);
    f[f.length - 1] ^= 0x10;
    assertThat(l4Valid(f)).isTrue();
  }

  @Test
  void checksumValidAfterNatRewrites() {
    byte[] f = PCAP.frame(SYN).copy();
    dnat(f, Ipv4.parse("10.244.1.17"), 8080);
    assertThat(l4Valid(f)).isTrue();
  }

  @Test
  void minimumLengths() {
    assertThat(Transport.minimumLength(Ipv4Header.PROTO_TCP)).isEqualTo(20);
    assertThat(Transport.minimumLength(Ipv4Header.PROTO_UDP)).isEqualTo(8);
  }

  /** What NAT does to a client's packet: VIP:port -> RIP:rport, both checksums patched. */
  private static void dnat(byte[] f, int rip, int rport) {
    int proto = Ipv4Header.protocol(f, L3);
    int old = Ipv4Header.destination(f, L3);
    Ipv4Header.setDestination(f, L3, rip);
    Transport.addressChanged(f, L4, proto, old, rip);
    Transport.setDestinationPort(f, L4, proto, rport);
  }

  /** What NAT does to a real server's reply: RIP:rport -> VIP:port. */
  private static void snat(byte[] f, int vip, int vport) {
    int proto = Ipv4Header.protocol(f, L3);
    int old = Ipv4Header.source(f, L3);
    Ipv4Header.setSource(f, L3, vip);
    Transport.addressChanged(f, L4, proto, old, vip);
    Transport.setSourcePort(f, L4, proto, vport);
  }

  private static void assertChecksumsRecomputed(byte[] f, String what) {
    assertThat(Ipv4Header.checksum(f, L3)).as(what + " ip").isEqualTo(Ipv4HeaderTest.fullHeaderChecksum(f, L3));
    assertThat(Ipv4Header.checksumValid(f, L3)).as(what + " ip valid").isTrue();
    assertThat(storedL4Checksum(f)).as(what + " l4").isEqualTo(fullL4Checksum(f));
  }

  @Test
  void natRewriteOfTheSynEqualsAFullRecompute() {
    int rip = Ipv4.parse("10.244.1.17");
    byte[] f = PCAP.frame(SYN).copy();
    dnat(f, rip, 8080);
    assertThat(Ipv4Header.destination(f, L3)).isEqualTo(rip);
    assertThat(Transport.destinationPort(f, L4)).isEqualTo(8080);
    assertThat(Ipv4Header.source(f, L3)).isEqualTo(IP_A);
    assertThat(Transport.sourcePort(f, L4)).isEqualTo(54156);
    assertChecksumsRecomputed(f, "syn");
  }

  @Test
  void natRewriteOfTheReplyEqualsAFullRecompute() {
    byte[] f = PCAP.frame(RST).copy();
    snat(f, Ipv4.parse("198.18.0.100"), 443);
    assertThat(Ipv4Header.source(f, L3)).isEqualTo(Ipv4.parse("198.18.0.100"));
    assertThat(Transport.sourcePort(f, L4)).isEqualTo(443);
    assertChecksumsRecomputed(f, "rst");
  }

  @Test
  void natRewriteOfUdpEqualsAFullRecompute() {
    byte[] f = PCAP.frame(UDP).copy();
    dnat(f, Ipv4.parse("198.18.0.12"), 53);
    assertThat(Transport.destinationPort(f, L4)).isEqualTo(53);
    assertChecksumsRecomputed(f, "udp");
    snat(f, Ipv4.parse("198.18.0.100"), 5300);
    assertChecksumsRecomputed(f, "udp back");
  }

  @Test
  void manyRewritesInARowStayExact() {
    int[] ips = {0, -1, 1, 0x7fffffff, Ipv4.parse("198.18.7.2"), Ipv4.parse("10.0.0.1"), 0xffff0000, 0x0000ffff};
    int[] ports = {0, 1, 80, 0xffff, 54156, 5353, 0x8000};
    for (int frame : new int[] {SYN, RST, UDP}) {
      byte[] f = PCAP.frame(frame).copy();
      for (int ip : ips) {
        for (int port : ports) {
          dnat(f, ip, port);
          assertChecksumsRecomputed(f, "frame " + frame + " to " + Ipv4.format(ip) + ":" + port);
          snat(f, ip ^ 0x01010101, port ^ 0x0101);
          assertChecksumsRecomputed(f, "frame " + frame + " from " + Ipv4.format(ip ^ 0x01010101));
        }
      }
    }
  }

  @Test
  void undoingARewriteRestoresTheCapturedBytes() {
    for (int frame : new int[] {SYN, UDP}) {
      byte[] f = PCAP.frame(frame).copy();
      int port = Transport.destinationPort(f, L4);
      dnat(f, Ipv4.parse("10.1.2.3"), 9999);
      dnat(f, IP_B, port);
      assertThat(f).as("frame %d", frame).isEqualTo(PCAP.frame(frame).data());
    }
  }

  @Test
  void settingTheSamePortChangesNothing() {
    byte[] f = PCAP.frame(SYN).copy();
    Transport.setDestinationPort(f, L4, Ipv4Header.PROTO_TCP, 80);
    Transport.setSourcePort(f, L4, Ipv4Header.PROTO_TCP, 54156);
    assertThat(f).isEqualTo(PCAP.frame(SYN).data());
  }

  @Test
  void udpWithoutChecksumStaysWithout() {
    byte[] f = PCAP.frame(UDP).copy();
    Bytes.put16(f, L4 + 6, 0);
    dnat(f, Ipv4.parse("198.18.0.12"), 53);
    snat(f, Ipv4.parse("198.18.0.100"), 1234);
    assertThat(Bytes.u16(f, L4 + 6)).isZero();
    assertThat(Transport.destinationPort(f, L4)).isEqualTo(53);
    assertThat(Transport.sourcePort(f, L4)).isEqualTo(1234);
    assertThat(Ipv4Header.checksumValid(f, L3)).isTrue();
  }

  @Test
  void udpChecksumThatComesOutZeroIsSentAsAllOnes() {
    byte[] f = PCAP.frame(UDP).copy();
    int cs = storedL4Checksum(f);
    int old = Transport.destinationPort(f, L4);
    // RFC 1624 eqn. 3 gives 0 when ~cs + ~old + new is all ones, i.e. new = cs + old (one's complement)
    long s = (long) cs + old;
    int port = (int) ((s & 0xffff) + (s >>> 16));
    assertThat(Checksums.update16(cs, old, port)).isZero();
    Transport.setDestinationPort(f, L4, Ipv4Header.PROTO_UDP, port);
    assertThat(storedL4Checksum(f)).isEqualTo(0xffff).isEqualTo(fullL4Checksum(f));
    assertThat(l4Valid(f)).isTrue();
  }
}
