package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** IPVS's sync message, version 1, byte for byte as the kernel's ip_vs_sync.c lays it out. */
class IpvsSyncTest {
  static final int CIP = 0xC6130109; // 198.19.1.9
  static final int VIP = 0xC6120064; // 198.18.0.100
  static final int RIP = 0xC612000B; // 198.18.0.11

  @Test
  void aMessageOfOneEntryIsLaidOutAsTheKernelsVersionOne() {
    byte[] m = new byte[IpvsSync.length(1)];
    IpvsSync.writeHeader(m, 0, 7, 1, m.length);
    IpvsSync.writeEntry(m, IpvsSync.first(0), Ipv4Header.PROTO_TCP, IpvsSync.FWD_MASQ, 1, CIP, 40000, VIP, 8080, RIP, 80, 900);
    assertThat(HexFormat.of().formatHex(m)).isEqualTo(
        "0007002c" + "01010000" // reserved, sync ID 7, size 44 | one entry, version 1, reserved
        + "00060024" // IPv4 entry, TCP, version 0 and size 36
        + "00000000" + "0001" // flags: masquerading | state ESTABLISHED
        + "9c40" + "1f90" + "0050" // client port 40000, virtual 8080, real 80
        + "00000000" + "00000384" // firewall mark | timeout 900 s
        + "c6130109" + "c6120064" + "c612000b");
    assertThat(IpvsSync.malformed(m, 0, m.length)).isNull();
    int e = IpvsSync.first(0);
    assertThat(IpvsSync.localOption(m, e)).isEqualTo(-1);
    assertThat(IpvsSync.clientAddress(m, e)).isEqualTo(CIP);
    assertThat(IpvsSync.virtualAddress(m, e)).isEqualTo(VIP);
    assertThat(IpvsSync.realAddress(m, e)).isEqualTo(RIP);
    assertThat(IpvsSync.clientPort(m, e)).isEqualTo(40000);
    assertThat(IpvsSync.timeoutSeconds(m, e)).isEqualTo(900);
    assertThat(IpvsSync.syncId(m, 0)).isEqualTo(7);
  }

  @Test
  void aMessageThatIsNotWholeOrNotVersionOneIsRefused() {
    byte[] m = new byte[IpvsSync.length(2)];
    IpvsSync.writeHeader(m, 0, 1, 2, m.length);
    int second = IpvsSync.first(0) + IpvsSync.writeEntry(m, IpvsSync.first(0), Ipv4Header.PROTO_UDP,
        IpvsSync.FWD_DROUTE, 0, CIP, 5353, VIP, 53, RIP, 53, 300);
    IpvsSync.writeEntry(m, second, Ipv4Header.PROTO_TCP, IpvsSync.FWD_TUNNEL, 1, CIP, 1, VIP, 80, RIP, 80, 900);
    assertThat(IpvsSync.malformed(m, 0, m.length)).isNull();
    assertThat(IpvsSync.malformed(m, 0, m.length - 1)).isEqualTo("size");
    assertThat(IpvsSync.malformed(m, 0, 4)).isEqualTo("short");
    byte[] v0 = m.clone();
    v0[5] = 0; // version 0 has no version byte there: a different layout
    assertThat(IpvsSync.malformed(v0, 0, v0.length)).isEqualTo("version");
    byte[] v6 = m.clone();
    v6[second] = 2; // an IPv6 entry: 60 bytes, which this reader does not take
    assertThat(IpvsSync.malformed(v6, 0, v6.length)).isEqualTo("entry");
  }

  @Test
  void aFullNatEntryCarriesTheLocalAddressInAMandatoryOptionOfOurs() {
    int lip = VIP;
    byte[] m = new byte[IpvsSync.HEADER_LENGTH + IpvsSync.FULLNAT_ENTRY_LENGTH + IpvsSync.ENTRY_LENGTH];
    IpvsSync.writeHeader(m, 0, 3, 2, m.length);
    int second = IpvsSync.first(0) + IpvsSync.writeEntry(m, IpvsSync.first(0), Ipv4Header.PROTO_TCP,
        IpvsSync.FWD_MASQ, 1, CIP, 40000, VIP, 80, RIP, 8080, 900, lip, 61234);
    IpvsSync.writeEntry(m, second, Ipv4Header.PROTO_UDP, IpvsSync.FWD_DROUTE, 0, CIP, 5353, VIP, 53, RIP, 53, 300);
    assertThat(HexFormat.of().formatHex(m, 8, 8 + 44)).isEqualTo(
        "0006002c" // IPv4 entry, TCP, version 0 and size 44: the option counts
        + "00000000" + "0001" + "9c40" + "0050" + "1f90" + "00000000" + "00000384"
        + "c6130109" + "c6120064" + "c612000b"
        + "2006" + "c6120064" + "ef32"); // option 0x20, 6 bytes: local address and port 61234
    assertThat(IpvsSync.malformed(m, 0, m.length)).isNull();
    int e = IpvsSync.first(0);
    int option = IpvsSync.localOption(m, e);
    assertThat(IpvsSync.localAddress(m, option)).isEqualTo(lip);
    assertThat(IpvsSync.localPort(m, option)).isEqualTo(61234);
    assertThat(IpvsSync.next(m, 0, e)).isEqualTo(second);
    assertThat(IpvsSync.clientPort(m, IpvsSync.next(m, 0, e))).isEqualTo(5353);
    assertThat(IpvsSync.localOption(m, second)).isEqualTo(-1);

    byte[] optional = m.clone();
    optional[e + IpvsSync.ENTRY_LENGTH] = (byte) (IpvsSync.OPTION_OPTIONAL | 5); // one we do not know, optional
    assertThat(IpvsSync.localOption(optional, e)).isEqualTo(-1);
    byte[] mandatory = m.clone();
    mandatory[e + IpvsSync.ENTRY_LENGTH] = 1; // the kernel's sequence data: mandatory, and not ours to apply
    assertThat(IpvsSync.localOption(mandatory, e)).isEqualTo(-2);
    byte[] overrun = m.clone();
    overrun[e + IpvsSync.ENTRY_LENGTH + 1] = 7; // the option would end past its entry
    assertThat(IpvsSync.malformed(overrun, 0, overrun.length)).isEqualTo("option");
    byte[] padded = new byte[m.length + 4];
    System.arraycopy(m, 0, padded, 0, m.length);
    padded[8 + 3] = 42; // an entry of 42 bytes: the next starts on the next multiple of 4
    padded[8 + 36 + 1] = 4;
    IpvsSync.writeHeader(padded, 0, 3, 2, m.length);
    assertThat(IpvsSync.next(padded, 0, e)).isEqualTo(e + 44);
    assertThat(IpvsSync.malformed(padded, 0, padded.length)).isNull();
  }
}
