package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.testsupport.PcapFile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ICMP echo request/reply and port unreachable captured from the kernel (frames 2, 3, 7). */
class IcmpTest {
  static final PcapFile PCAP = PcapFile.resource("/frames/real.pcap");
  static final int L4 = Ethernet.HEADER_LENGTH + 20;
  static final int REQUEST = 2;
  static final int REPLY = 3;
  static final int UNREACHABLE = 7;

  static boolean icmpChecksumValid(byte[] f) {
    int len = Ipv4Header.totalLength(f, Ethernet.HEADER_LENGTH) - Ipv4Header.headerLength(f, Ethernet.HEADER_LENGTH);
    return Checksums.fold(Checksums.sum(f, L4, len)) == 0xffff;
  }

  @Test
  void readsEchoRequestAndReply() {
    byte[] req = PCAP.frame(REQUEST).data();
    assertThat(Icmp.type(req, L4)).isEqualTo(Icmp.TYPE_ECHO_REQUEST);
    assertThat(Icmp.code(req, L4)).isZero();
    assertThat(Icmp.checksum(req, L4)).isEqualTo(0x878a);
    assertThat(Bytes.u16(req, L4 + 4)).as("id").isEqualTo(3780);
    assertThat(Bytes.u16(req, L4 + 6)).as("seq").isEqualTo(1);
    assertThat(icmpChecksumValid(req)).isTrue();

    byte[] rep = PCAP.frame(REPLY).data();
    assertThat(Icmp.type(rep, L4)).isEqualTo(Icmp.TYPE_ECHO_REPLY);
    assertThat(Icmp.code(rep, L4)).isZero();
    assertThat(Icmp.checksum(rep, L4)).isEqualTo(0x8f8a);
    assertThat(Bytes.u16(rep, L4 + 4)).isEqualTo(3780);
    assertThat(icmpChecksumValid(rep)).isTrue();
  }

  @Test
  void readsPortUnreachable() {
    byte[] f = PCAP.frame(UNREACHABLE).data();
    assertThat(Icmp.type(f, L4)).isEqualTo(Icmp.TYPE_DEST_UNREACHABLE);
    assertThat(Icmp.code(f, L4)).isEqualTo(3);
    assertThat(Icmp.checksum(f, L4)).isEqualTo(0x9744);
    assertThat(icmpChecksumValid(f)).isTrue();
    // the quoted datagram is the UDP frame the kernel refused
    byte[] udp = PCAP.frame(6).data();
    assertThat(Arrays.copyOfRange(f, L4 + Icmp.HEADER_LENGTH, f.length))
        .isEqualTo(Arrays.copyOfRange(udp, Ethernet.HEADER_LENGTH, udp.length));
  }

  @Test
  void echoRequestToReplyGivesTheKernelsReplyMessage() {
    byte[] f = PCAP.frame(REQUEST).copy();
    Icmp.echoRequestToReply(f, L4);
    byte[] kernel = PCAP.frame(REPLY).data();
    assertThat(Arrays.copyOfRange(f, L4, f.length)).isEqualTo(Arrays.copyOfRange(kernel, L4, kernel.length));
    assertThat(Icmp.checksum(f, L4)).isEqualTo(0x8f8a);
    assertThat(icmpChecksumValid(f)).isTrue();
  }

  @Test
  void echoRequestToReplyEqualsAFullRecompute() {
    byte[] f = PCAP.frame(REQUEST).copy();
    // other identifiers and payloads than the captured one
    for (int id = 0; id < 0x10000; id += 0x1111) {
      Bytes.put16(f, L4, Icmp.TYPE_ECHO_REQUEST << 8);
      Bytes.put16(f, L4 + 4, id);
      Bytes.put16(f, L4 + 2, 0);
      Bytes.put16(f, L4 + 2, Checksums.compute(f, L4, f.length - L4));
      Icmp.echoRequestToReply(f, L4);
      assertThat(Icmp.type(f, L4)).isEqualTo(Icmp.TYPE_ECHO_REPLY);
      int incremental = Icmp.checksum(f, L4);
      Bytes.put16(f, L4 + 2, 0);
      assertThat(incremental).as("id %x", id).isEqualTo(Checksums.compute(f, L4, f.length - L4));
      Bytes.put16(f, L4 + 2, incremental);
    }
  }

  @Test
  void writeFragmentationNeeded() {
    byte[] f = PCAP.frame(UNREACHABLE).copy();
    int len = f.length - L4;
    Icmp.writeFragmentationNeeded(f, L4, 1400, len);
    assertThat(Icmp.type(f, L4)).isEqualTo(Icmp.TYPE_DEST_UNREACHABLE);
    assertThat(Icmp.code(f, L4)).isEqualTo(Icmp.CODE_FRAGMENTATION_NEEDED);
    assertThat(Bytes.u16(f, L4 + 4)).isZero();
    assertThat(Bytes.u16(f, L4 + 6)).isEqualTo(1400);
    assertThat(icmpChecksumValid(f)).isTrue();
    // the quoted datagram is untouched
    assertThat(Arrays.copyOfRange(f, L4 + 8, f.length))
        .isEqualTo(Arrays.copyOfRange(PCAP.frame(UNREACHABLE).data(), L4 + 8, f.length));
  }
}
