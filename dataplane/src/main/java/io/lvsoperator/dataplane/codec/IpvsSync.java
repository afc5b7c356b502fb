package io.lvsoperator.dataplane.codec;

/**
 * The connection synchronisation message of IPVS's sync daemon, version 1 (the format of Linux
 * 2.6.39 on, {@code ip_vs_sync.c}): UDP to 224.0.0.81 port 8848, an 8-byte header then IPv4
 * connection entries of 36 bytes and their options, each entry starting on 4 bytes. Wireshark's
 * "ipvs syncd" dissector reads the format; what it carries is in docs/architecture.md,
 * "Connection sync".
 *
 * <pre>
 * header: 0 | sync ID | size (whole message) | entry count | version 1 | reserved (2)
 * entry:  type 0 (IPv4) | protocol | version 0 + size (12 bits, options included) | flags (4)
 *         | state (2) | client port | virtual port | real port | firewall mark (4)
 *         | timeout s (4) | client address | virtual address | real address | options
 * option: type | length | data (type bit 0x80: optional, a reader that does not know it skips it)
 * </pre>
 *
 * A full-NAT entry carries option {@link #OPTION_LOCAL}: the local address and port the real
 * server sees. It is ours, and mandatory, so a kernel that receives the entry refuses it (it
 * would install it as masquerading, which is wrong) instead of skipping the option.
 */
public final class IpvsSync {
  public static final int GROUP = 0xE0000051; // 224.0.0.81
  public static final long GROUP_MAC = 0x01005E000051L;
  public static final int PORT = 8848;
  /** IPVS's default multicast TTL: the message stays on the link. */
  public static final int TTL = 1;
  public static final int VERSION = 1;
  public static final int HEADER_LENGTH = 8;
  /** An IPv4 entry without options. */
  public static final int ENTRY_LENGTH = 36;
  /** Full-NAT's option: type 0x20 (the kernel's are 1-3), 6 bytes of local address and port. */
  public static final int OPTION_LOCAL = 0x20;
  private static final int OPTION_LOCAL_LENGTH = 6;
  /** An IPv4 entry with {@link #OPTION_LOCAL}, the longest this writer writes. */
  public static final int FULLNAT_ENTRY_LENGTH = ENTRY_LENGTH + 2 + OPTION_LOCAL_LENGTH;
  /** Set in an option's type: a reader that does not know the option skips it. */
  public static final int OPTION_OPTIONAL = 0x80;
  /** At most 255 entries: the count is one byte. */
  public static final int MAX_ENTRIES = 255;
  private static final int SIZE_MASK = 0x0fff;

  /** Forwarding method in the low bits of the flags, as IPVS's IP_VS_CONN_F_FWD_MASK. */
  public static final int FWD_MASK = 0x0007;
  public static final int FWD_MASQ = 0;
  public static final int FWD_TUNNEL = 2;
  public static final int FWD_DROUTE = 3;
  /** A persistence template, not a connection (IP_VS_CONN_F_TEMPLATE). */
  public static final int FLAG_TEMPLATE = 0x1000;

  private IpvsSync() {}

  /** Bytes of a message of {@code entries} entries without options. */
  public static int length(int entries) {
    return HEADER_LENGTH + ENTRY_LENGTH * entries;
  }

  /** {@code size}: the whole message's, header included. */
  public static void writeHeader(byte[] f, int o, int syncId, int entries, int size) {
    Bytes.put8(f, o, 0);
    Bytes.put8(f, o + 1, syncId);
    Bytes.put16(f, o + 2, size);
    Bytes.put8(f, o + 4, entries);
    Bytes.put8(f, o + 5, VERSION);
    Bytes.put16(f, o + 6, 0);
  }

  /** Writes an entry without options at {@code e}; returns its length. */
  public static int writeEntry(byte[] f, int e, int protocol, int flags, int state, int cip, int cport,
      int vip, int vport, int rip, int rport, int timeoutSeconds) {
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
    return ENTRY_LENGTH;
  }

  /** Writes a full-NAT entry at {@code e}, the real server seeing {@code lip:lport}; returns its length. */
  public static int writeEntry(byte[] f, int e, int protocol, int flags, int state, int cip, int cport,
      int vip, int vport, int rip, int rport, int timeoutSeconds, int lip, int lport) {
    writeEntry(f, e, protocol, flags, state, cip, cport, vip, vport, rip, rport, timeoutSeconds);
    Bytes.put16(f, e + 2, FULLNAT_ENTRY_LENGTH);
    Bytes.put8(f, e + ENTRY_LENGTH, OPTION_LOCAL);
    Bytes.put8(f, e + ENTRY_LENGTH + 1, OPTION_LOCAL_LENGTH);
    Bytes.put32(f, e + ENTRY_LENGTH + 2, lip);
    Bytes.put16(f, e + ENTRY_LENGTH + 6, lport);
    return FULLNAT_ENTRY_LENGTH;
  }

  /**
   * Why a message of {@code len} bytes at {@code o} is not one to read, or null: version, the
   * size it states, every entry an IPv4 one within the message, and its options within the entry.
   */
  public static String malformed(byte[] f, int o, int len) {
    if (len < HEADER_LENGTH) {
      return "short";
    }
    if (Bytes.u8(f, o) != 0 || Bytes.u8(f, o + 5) != VERSION) {
      return "version";
    }
    int size = Bytes.u16(f, o + 2);
    if (size < HEADER_LENGTH || len < size) {
      return "size";
    }
    int end = o + size;
    int e = first(o);
    for (int i = 0, count = count(f, o); i < count; i++) {
      if (e + 4 > end) {
        return "size";
      }
      int entryEnd = e + entrySize(f, e);
      if (Bytes.u8(f, e) != 0 || entrySize(f, e) < ENTRY_LENGTH) {
        return "entry";
      }
      if (entryEnd > end) {
        return "size";
      }
      for (int p = e + ENTRY_LENGTH; p < entryEnd; p += 2 + Bytes.u8(f, p + 1)) {
        if (p + 2 > entryEnd || Bytes.u8(f, p + 1) == 0 || p + 2 + Bytes.u8(f, p + 1) > entryEnd) {
          return "option";
        }
      }
      e = o + align(entryEnd - o);
    }
    return null;
  }

  /** Where the first entry of the message at {@code o} starts. */
  public static int first(int o) {
    return o + HEADER_LENGTH;
  }

  /**
   * Where the entry after the one at {@code e} starts, in the message at {@code o} (entries start
   * on 4 bytes from the message's start, as the kernel's buffer is aligned).
   */
  public static int next(byte[] f, int o, int e) {
    return o + align(e - o + entrySize(f, e));
  }

  private static int align(int offset) {
    return (offset + 3) & ~3;
  }

  /** The entry's length, options included. */
  public static int entrySize(byte[] f, int e) {
    return Bytes.u16(f, e + 2) & SIZE_MASK;
  }

  /**
   * Where the data of the entry's {@link #OPTION_LOCAL} starts (local address, then port), -1
   * when it has none; -2 when it has a mandatory option this reader does not know (a kernel's
   * sequence data, say), which it must not install without.
   */
  public static int localOption(byte[] f, int e) {
    int found = -1;
    int end = e + entrySize(f, e);
    for (int p = e + ENTRY_LENGTH; p < end; p += 2 + Bytes.u8(f, p + 1)) {
      int type = Bytes.u8(f, p);
      if (type == OPTION_LOCAL && Bytes.u8(f, p + 1) == OPTION_LOCAL_LENGTH) {
        found = p + 2;
      } else if ((type & OPTION_OPTIONAL) == 0) {
        return -2;
      }
    }
    return found;
  }

  public static int localAddress(byte[] f, int option) {
    return Bytes.i32(f, option);
  }

  public static int localPort(byte[] f, int option) {
    return Bytes.u16(f, option + 4);
  }

  public static int syncId(byte[] f, int o) {
    return Bytes.u8(f, o + 1);
  }

  public static int count(byte[] f, int o) {
    return Bytes.u8(f, o + 4);
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
