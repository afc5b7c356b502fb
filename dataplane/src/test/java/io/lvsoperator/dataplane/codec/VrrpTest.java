package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.testsupport.PcapFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VRRPv3 advertisements as RFC 5798 lays them out, and as tcpdump reads them. */
class VrrpTest {
  static final int SRC = Ipv4.parse("198.18.0.2");
  static final int L3 = Ethernet.HEADER_LENGTH;
  static final int L4 = L3 + Ipv4Header.MIN_LENGTH;

  /** A whole frame as a director sends it: Ethernet to the group's MAC, IPv4 with TTL 255. */
  static byte[] frame(int routerId, int priority, int centis, int... addresses) {
    int len = Vrrp.length(addresses.length);
    byte[] f = new byte[L4 + len];
    Ethernet.write(f, Vrrp.GROUP_MAC, 0x020000000002L, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, L3, 0xc0, Ipv4Header.MIN_LENGTH + len, 0, 0, Vrrp.TTL, Vrrp.IP_PROTOCOL, SRC, Vrrp.GROUP);
    Vrrp.write(f, L4, routerId, priority, centis, addresses, addresses.length, SRC, Vrrp.GROUP);
    return f;
  }

  @Test
  void writesTheFieldsItReads() {
    byte[] f = frame(7, 100, 10, SRC, Ipv4.parse("198.18.0.3"));
    assertThat(Vrrp.version(f, L4)).isEqualTo(3);
    assertThat(Vrrp.type(f, L4)).isEqualTo(Vrrp.TYPE_ADVERTISEMENT);
    assertThat(Vrrp.routerId(f, L4)).isEqualTo(7);
    assertThat(Vrrp.priority(f, L4)).isEqualTo(100);
    assertThat(Vrrp.intervalCentis(f, L4)).isEqualTo(10);
    assertThat(Vrrp.addressCount(f, L4)).isEqualTo(2);
    assertThat(Vrrp.address(f, L4, 1)).isEqualTo(Ipv4.parse("198.18.0.3"));
    assertThat(Vrrp.malformed(f, L4, Vrrp.length(2), SRC, Vrrp.GROUP)).isNull();
  }

  @Test
  void refusesWhatIsNotAnIntactAdvertisement() {
    byte[] f = frame(7, 100, 10, SRC);
    int len = Vrrp.length(1);
    assertThat(Vrrp.malformed(f, L4, 7, SRC, Vrrp.GROUP)).isEqualTo("short");
    assertThat(Vrrp.malformed(f, L4, len, Ipv4.parse("198.18.0.9"), Vrrp.GROUP))
        .as("the pseudo-header counts: another sender's address breaks the sum").isEqualTo("checksum");
    byte[] flipped = f.clone();
    flipped[L4 + 2] ^= 1;
    assertThat(Vrrp.malformed(flipped, L4, len, SRC, Vrrp.GROUP)).isEqualTo("checksum");
    byte[] v2 = f.clone();
    v2[L4] = 0x21;
    assertThat(Vrrp.malformed(v2, L4, len, SRC, Vrrp.GROUP)).isEqualTo("version");
    byte[] type = f.clone();
    type[L4] = 0x32;
    assertThat(Vrrp.malformed(type, L4, len, SRC, Vrrp.GROUP)).isEqualTo("type");
    byte[] count = f.clone();
    count[L4 + 3] = 5;
    assertThat(Vrrp.malformed(count, L4, len, SRC, Vrrp.GROUP)).isEqualTo("address count");
  }

  /** The issue asks that tcpdump decode what directors say to each other. */
  @Test
  void tcpdumpDecodesIt(@TempDir Path dir) throws Exception {
    Path pcap = dir.resolve("vrrp.pcap");
    Files.write(pcap, PcapFile.write(List.of(frame(7, 100, 10, SRC), frame(9, Vrrp.PRIORITY_STOPPING, 10, SRC))));
    Process p = new ProcessBuilder("tcpdump", "-nn", "-v", "-r", pcap.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("VRRPv3, Advertisement, vrid 7, prio 100, intvl 10cs, length 12, addrs: 198.18.0.2")
        .contains("vrid 9, prio 0").contains("ttl 255").doesNotContain("bad");
  }
}
