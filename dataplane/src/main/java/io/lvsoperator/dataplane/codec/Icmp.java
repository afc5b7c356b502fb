package io.lvsoperator.dataplane.codec;

/** ICMPv4 (RFC 792): echo, and the error messages the director passes on or sends. */
public final class Icmp {
  public static final int HEADER_LENGTH = 8;
  public static final int TYPE_ECHO_REPLY = 0;
  public static final int TYPE_DEST_UNREACHABLE = 3;
  public static final int TYPE_ECHO_REQUEST = 8;
  public static final int CODE_FRAGMENTATION_NEEDED = 4;
  public static final int TYPE_SOURCE_QUENCH = 4;
  public static final int TYPE_TIME_EXCEEDED = 11;
  public static final int TYPE_PARAMETER_PROBLEM = 12;

  private Icmp() {}

  public static int type(byte[] f, int o) {
    return Bytes.u8(f, o);
  }

  public static int code(byte[] f, int o) {
    return Bytes.u8(f, o + 1);
  }

  public static int checksum(byte[] f, int o) {
    return Bytes.u16(f, o + 2);
  }

  /** The error messages, which quote the packet they are about (RFC 792). */
  public static boolean isError(int type) {
    return type == TYPE_DEST_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_TIME_EXCEEDED
        || type == TYPE_PARAMETER_PROBLEM;
  }

  /** Computes the message's checksum afresh over its {@code len} bytes (after a translation). */
  public static void recomputeChecksum(byte[] f, int o, int len) {
    Bytes.put16(f, o + 2, 0);
    Bytes.put16(f, o + 2, Checksums.compute(f, o, len));
  }

  /** Turns an echo request into a reply in place: type 8 -> 0, checksum patched. */
  public static void echoRequestToReply(byte[] f, int o) {
    int oldWord = Bytes.u16(f, o);
    Bytes.put8(f, o, TYPE_ECHO_REPLY);
    Bytes.put16(f, o + 2, Checksums.update16(checksum(f, o), oldWord, Bytes.u16(f, o)));
  }

  /** Writes a fragmentation-needed header carrying the next-hop MTU (RFC 1191), checksum over len. */
  public static void writeFragmentationNeeded(byte[] f, int o, int nextHopMtu, int len) {
    Bytes.put8(f, o, TYPE_DEST_UNREACHABLE);
    Bytes.put8(f, o + 1, CODE_FRAGMENTATION_NEEDED);
    Bytes.put16(f, o + 2, 0);
    Bytes.put16(f, o + 4, 0);
    Bytes.put16(f, o + 6, nextHopMtu);
    Bytes.put16(f, o + 2, Checksums.compute(f, o, len));
  }
}
