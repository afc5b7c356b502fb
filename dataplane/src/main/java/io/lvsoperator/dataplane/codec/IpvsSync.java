package io.lvsoperator.dataplane.codec;

/**
 * The connection synchronisation message of IPVS's sync daemon, version 1 (the format of Linux
 * 2.6.39 on, {@code ip_vs_sync.c}): UDP to 224.0.0.81 port 8848, an 8-byte header then IPv4
 * connection entries of 36 bytes (no options). Wireshark's "ipvs syncd" dissector reads the
 * format; what it carries is in docs/architecture.md, "Connection sync".
 *
 * <pre>
 * header: 0 | sync ID | size (whole message) | entry count | version 1 | reserved (2)
 * entry:  type 0 (IPv4) | protocol | version 0 + size (12 bits) | flags (4) | state (2)
 *         | client port | virtual port | real port | firewall mark (4) | timeout s (4)
 *         | client address | virtual address | real address
 * </pre>
 */
public final class IpvsSync {
  public static final int GROUP = 0xE0000051; // 224.0.0.81
  public static final long GROUP_MAC = 0x01005E000051L;
  public static final int PORT = 8848;
  /** IPVS's default multicast TTL: the message stays on the link. */
  public static final int TTL = 1;
  public static final int VERSION = 1;
  public static final int HEADER_LENGTH = 8;
  public static final int ENTRY_LENGTH = 36;
  /** At most 255 entries: the count is one byte. */
  public static final int MAX_ENTRIES = 255;

  /** Forwarding method in the low bits of the flags, as IPVS's IP_VS_CONN_F_FWD_MASK. */
  public static final int FWD_MASK = 0x0007;
  public static final int FWD_MASQ = 0;
  public static final int FWD_TUNNEL = 2;
  public static final int FWD_DROUTE = 3;
  /** A persistence template, not a connection (IP_VS_CONN_F_TEMPLATE). */
  public static final int FLAG_TEMPLATE = 0x1000;

  private IpvsSync() {}

  /** Bytes of a message of {@code entries} entries. */
  public static int length(int entries) {
    return HEADER_LENGTH + ENTRY_LENGTH * entries;
  }

  /** How many entries fit in a UDP payload of at most {@code payload} bytes. */
  public static int capacity(int payload) {
    return Math.max(0, Math.min(MAX_ENTRIES, (payload - HEADER_LENGTH) / ENTRY_LENGTH));
  }

  public static void writeHeader(byte[] f, int o, int syncId, int entries) {
    Bytes.put8(f, o, 0);
    Bytes.put8(f, o + 1, syncId);
    Bytes.put16(f, o + 2, length(entries));
    Bytes.put8(f, o + 4, entries);
    Bytes.put8(f, o + 5, VERSION);
    Bytes.put16(f, o + 6, 0);
  }

  /** Writes entry {@code index} of the message at {@code o}. */
  public static void writeEntry(byte[] f, int o, int index, int protocol, int flags, int state, int cip, int cport,
      int vip, int vport, int rip, int rport, int timeoutSeconds) {
    int e = o + HEADER_LENGTH + ENTRY_LENGTH * index;
    Bytes.put8(f, e, 0);
    Bytes.put8(f, e + 1, protocol);
    Bytes.put16(f, e + 2, ENTRY_LENGTH);
    Bytes.put32(f, e + 4, flags);
    Bytes.put16(f, e + 8, state);
    Bytes.put16(f, e + 10, cport);
    Bytes.put16(f, e + 12, vport);
    Bytes.put16(f, e + 14, rport);
    Bytes.put32(f, e + 16, 0);
    Bytes.put32(f, e + 20, timeoutSeconds);
    Bytes.put32(f, e + 24, cip);
    Bytes.put32(f, e + 28, vip);
    Bytes.put32(f, e + 32, rip);
  }

  /**
   * Why a message of {@code len} bytes at {@code o} is not one to read, or null: version, the
   * size it states, and every entry an IPv4 one of the length this reader knows.
   */
  public static String malformed(byte[] f, int o, int len) {
    if (len < HEADER_LENGTH) {
      return "short";
    }
    if (Bytes.u8(f, o) != 0 || Bytes.u8(f, o + 5) != VERSION) {
      return "version";
    }
    int count = Bytes.u8(f, o + 4);
    if (Bytes.u16(f, o + 2) != length(count) || len < length(count)) {
      return "size";
    }
    for (int i = 0; i < count; i++) {
      int e = entry(o, i);
      if (Bytes.u8(f, e) != 0 || Bytes.u16(f, e + 2) != ENTRY_LENGTH) {
        return "entry";
      }
    }
    return null;
  }

  public static int syncId(byte[] f, int o) {
    return Bytes.u8(f, o + 1);
  }

  public static int count(byte[] f, int o) {
    return Bytes.u8(f, o + 4);
  }

  /** Where entry {@code index} of the message at {@code o} starts. */
  public static int entry(int o, int index) {
    return o + HEADER_LENGTH + ENTRY_LENGTH * index;
  }

  public static int protocol(byte[] f, int e) {
    return Bytes.u8(f, e + 1);
  }

  public static int flags(byte[] f, int e) {
    return Bytes.i32(f, e + 4);
  }

  public static int state(byte[] f, int e) {
    return Bytes.u16(f, e + 8);
  }

  public static int clientPort(byte[] f, int e) {
    return Bytes.u16(f, e + 10);
  }

  public static int virtualPort(byte[] f, int e) {
    return Bytes.u16(f, e + 12);
  }

  public static int realPort(byte[] f, int e) {
    return Bytes.u16(f, e + 14);
  }

  public static int timeoutSeconds(byte[] f, int e) {
    return Bytes.i32(f, e + 20);
  }

  public static int clientAddress(byte[] f, int e) {
    return Bytes.i32(f, e + 24);
  }

  public static int virtualAddress(byte[] f, int e) {
    return Bytes.i32(f, e + 28);
  }

  public static int realAddress(byte[] f, int e) {
    return Bytes.i32(f, e + 32);
  }
}
