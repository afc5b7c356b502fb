package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.testsupport.PcapFile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ARP request and reply captured from the kernel (frames 0 and 1 of real.pcap). */
class ArpTest {
  static final PcapFile PCAP = PcapFile.resource("/frames/real.pcap");
  static final long A = MacAddress.parse("96:01:69:8c:b9:e4");
  static final long B = MacAddress.parse("6a:34:8d:7b:e4:a4");
  static final int IP_A = Ipv4.parse("198.18.7.1");
  static final int IP_B = Ipv4.parse("198.18.7.2");

  @Test
  void readsTheRequest() {
    byte[] f = PCAP.frame(0).data();
    assertThat(Arp.isEthernetIpv4(f, f.length)).isTrue();
    assertThat(Arp.operation(f)).isEqualTo(Arp.OP_REQUEST);
    assertThat(Arp.senderMac(f)).isEqualTo(A);
    assertThat(Arp.senderIp(f)).isEqualTo(IP_A);
    assertThat(Arp.targetMac(f)).isEqualTo(MacAddress.NONE);
    assertThat(Arp.targetIp(f)).isEqualTo(IP_B);
  }

  @Test
  void readsTheReply() {
    byte[] f = PCAP.frame(1).data();
    assertThat(Arp.isEthernetIpv4(f, f.length)).isTrue();
    assertThat(Arp.operation(f)).isEqualTo(Arp.OP_REPLY);
    assertThat(Arp.senderMac(f)).isEqualTo(B);
    assertThat(Arp.senderIp(f)).isEqualTo(IP_B);
    assertThat(Arp.targetMac(f)).isEqualTo(A);
    assertThat(Arp.targetIp(f)).isEqualTo(IP_A);
  }

  @Test
  void writeReproducesBothCapturedFramesByteForByte() {
    byte[] request = new byte[Arp.FRAME_LENGTH];
    assertThat(Arp.write(request, MacAddress.BROADCAST, A, Arp.OP_REQUEST, A, IP_A, MacAddress.NONE, IP_B))
        .isEqualTo(42);
    assertThat(request).isEqualTo(PCAP.frame(0).data());

    byte[] reply = new byte[Arp.FRAME_LENGTH];
    Arp.write(reply, A, B, Arp.OP_REPLY, B, IP_B, A, IP_A);
    assertThat(reply).isEqualTo(PCAP.frame(1).data());
  }

  @Test
  void rejectsShortFramesAndOtherHardware() {
    byte[] f = PCAP.frame(0).copy();
    assertThat(Arp.isEthernetIpv4(f, Arp.FRAME_LENGTH - 1)).isFalse();

    byte[] token = f.clone();
    Bytes.put16(token, 14, 6); // IEEE 802 hardware
    assertThat(Arp.isEthernetIpv4(token, token.length)).isFalse();

    byte[] ipv6 = f.clone();
    Bytes.put16(ipv6, 16, 0x86dd);
    assertThat(Arp.isEthernetIpv4(ipv6, ipv6.length)).isFalse();

    byte[] longMac = f.clone();
    longMac[18] = 8;
    assertThat(Arp.isEthernetIpv4(longMac, longMac.length)).isFalse();

    byte[] longIp = f.clone();
    longIp[19] = 16;
    assertThat(Arp.isEthernetIpv4(longIp, longIp.length)).isFalse();
  }

  @Test
  void ipv4FramesAreNotArp() {
    byte[] f = Arrays.copyOf(PCAP.frame(2).data(), 98);
    assertThat(Arp.isEthernetIpv4(f, f.length)).isFalse();
  }
}
