package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.testsupport.PcapFile;
import org.junit.jupiter.api.Test;

/** Ethernet II headers of the frames in real.pcap, read as tcpdump -e shows them. */
class EthernetTest {
  static final PcapFile PCAP = PcapFile.resource("/frames/real.pcap");
  static final long A = MacAddress.parse("96:01:69:8c:b9:e4"); // 198.18.7.1
  static final long B = MacAddress.parse("6a:34:8d:7b:e4:a4"); // 198.18.7.2

  @Test
  void captureHoldsTheEightFramesOfCaptureSh() {
    assertThat(PCAP.linkType()).isEqualTo(PcapFile.LINKTYPE_ETHERNET);
    assertThat(PCAP.frames()).extracting(PcapFile.Frame::length).containsExactly(42, 42, 98, 98, 74, 54, 48, 76);
    assertThat(PCAP.frames()).allSatisfy(f -> assertThat(f.originalLength()).isEqualTo(f.length()));
  }

  @Test
  void readsAddressesAndEtherTypes() {
    long[][] expected = {
      {MacAddress.BROADCAST, A, Ethernet.TYPE_ARP},
      {A, B, Ethernet.TYPE_ARP},
      {B, A, Ethernet.TYPE_IPV4},
      {A, B, Ethernet.TYPE_IPV4},
      {B, A, Ethernet.TYPE_IPV4},
      {A, B, Ethernet.TYPE_IPV4},
      {B, A, Ethernet.TYPE_IPV4},
      {A, B, Ethernet.TYPE_IPV4},
    };
    for (int i = 0; i < expected.length; i++) {
      byte[] f = PCAP.frame(i).data();
      assertThat(Ethernet.destination(f)).as("frame %d dst", i).isEqualTo(expected[i][0]);
      assertThat(Ethernet.source(f)).as("frame %d src", i).isEqualTo(expected[i][1]);
      assertThat(Ethernet.etherType(f)).as("frame %d type", i).isEqualTo((int) expected[i][2]);
    }
  }

  @Test
  void settersWriteOnlyTheirField() {
    byte[] f = PCAP.frame(2).copy();
    long mac = MacAddress.parse("02:00:00:00:00:01");
    Ethernet.setDestination(f, mac);
    assertThat(Ethernet.destination(f)).isEqualTo(mac);
    assertThat(Ethernet.source(f)).isEqualTo(A);
    Ethernet.setSource(f, B);
    assertThat(Ethernet.source(f)).isEqualTo(B);
    assertThat(Ethernet.etherType(f)).isEqualTo(Ethernet.TYPE_IPV4);
    byte[] original = PCAP.frame(2).data();
    for (int i = 12; i < f.length; i++) {
      assertThat(f[i]).as("byte %d", i).isEqualTo(original[i]);
    }
  }

  @Test
  void writeReproducesACapturedHeader() {
    byte[] f = new byte[14];
    Ethernet.write(f, B, A, Ethernet.TYPE_IPV4);
    byte[] captured = PCAP.frame(4).data();
    for (int i = 0; i < 14; i++) {
      assertThat(f[i]).as("byte %d", i).isEqualTo(captured[i]);
    }
  }

  @Test
  void macAddressTextAndBytes() {
    assertThat(MacAddress.format(A)).isEqualTo("96:01:69:8c:b9:e4");
    assertThat(MacAddress.format(MacAddress.BROADCAST)).isEqualTo("ff:ff:ff:ff:ff:ff");
    assertThat(MacAddress.format(MacAddress.NONE)).isEqualTo("00:00:00:00:00:00");
    assertThat(MacAddress.of(new byte[] {(byte) 0x6a, 0x34, (byte) 0x8d, 0x7b, (byte) 0xe4, (byte) 0xa4})).isEqualTo(B);
    assertThat(MacAddress.parse("6A:34:8D:7B:E4:A4")).isEqualTo(B);
  }
}
