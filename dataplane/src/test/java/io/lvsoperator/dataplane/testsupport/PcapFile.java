package io.lvsoperator.dataplane.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap file (not pcapng) into its frames: a 24-byte global header whose magic
 * 0xa1b2c3d4 (or 0xa1b23c4d, nanosecond stamps) tells the byte order, then per frame a 16-byte
 * record header (seconds, fraction, captured length, original length) and the captured bytes.
 */
public final class PcapFile {
  public static final int LINKTYPE_ETHERNET = 1;

  private static final int MAGIC_MICROS = 0xa1b2c3d4;
  private static final int MAGIC_NANOS = 0xa1b23c4d;

  /** One captured frame; {@code data} holds the captured bytes only. */
  public record Frame(long seconds, long fraction, int originalLength, byte[] data) {
    public int length() {
      return data.length;
    }

    /** A copy to modify, so tests do not disturb each other. */
    public byte[] copy() {
      return data.clone();
    }
  }

  private final int linkType;
  private final List<Frame> frames;

  private PcapFile(int linkType, List<Frame> frames) {
    this.linkType = linkType;
    this.frames = List.copyOf(frames);
  }

  /** Reads a pcap file from the test classpath, such as {@code /frames/real.pcap}. */
  public static PcapFile resource(String name) {
    try (InputStream in = PcapFile.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A pcap file (microseconds, Ethernet) of {@code frames}, for tcpdump to read. */
  public static byte[] write(List<byte[]> frames) {
    int size = 24 + frames.stream().mapToInt(f -> 16 + f.length).sum();
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
        .putInt(LINKTYPE_ETHERNET);
    int i = 0;
    for (byte[] f : frames) {
      b.putInt(1_700_000_000 + i++).putInt(0).putInt(f.length).putInt(f.length).put(f);
    }
    return b.array();
  }

  public static PcapFile parse(byte[] file) {
    if (file.length < 24) {
      throw new IllegalArgumentException("pcap file shorter than its 24-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
      b.order(ByteOrder.BIG_ENDIAN);
      magic = b.getInt(0);
      if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
        throw new IllegalArgumentException("not a pcap file (magic " + Integer.toHexString(magic) + ")");
      }
    }
    int linkType = b.getInt(20);
    List<Frame> frames = new ArrayList<>();
    int at = 24;
    while (at < file.length) {
      if (file.length - at < 16) {
        throw new IllegalArgumentException("truncated record header at " + at);
      }
      long seconds = b.getInt(at) & 0xffffffffL;
      long fraction = b.getInt(at + 4) & 0xffffffffL;
      int captured = b.getInt(at + 8);
      int original = b.getInt(at + 12);
      at += 16;
      if (captured < 0 || captured > file.length - at) {
        throw new IllegalArgumentException("truncated frame at " + at);
      }
      byte[] data = new byte[captured];
      System.arraycopy(file, at, data, 0, captured);
      frames.add(new Frame(seconds, fraction, original, data));
      at += captured;
    }
    return new PcapFile(linkType, frames);
  }

  public int linkType() {
    return linkType;
  }

  public List<Frame> frames() {
    return frames;
  }

  public Frame frame(int index) {
    return frames.get(index);
  }
}
