package io.lvsoperator.dataplane.realserver;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device opened through /dev/net/tun (JNA): IP packets written to it enter the
 * kernel as if received on that interface. It stands in for the ipip driver this kernel lacks.
 */
public final class TunDevice implements AutoCloseable {
  private static final int O_RDWR = 2;
  private static final long TUNSETIFF = 0x400454caL;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final int IFREQ_SIZE = 40;
  private static final int IFNAMSIZ = 16;

  /** The few libc calls we need. */
  public interface LibC extends Library {
    int open(String path, int flags);

    int ioctl(int fd, NativeLong request, byte[] ifreq);

    int close(int fd);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /** write(2) bound by direct mapping, for the per-packet path: no conversion or allocation per call. */
  private static final class DirectWrite {
    static {
      Native.register(NativeLibrary.getInstance("c"));
    }

    static native long write(int fd, Pointer buffer, long count);
  }

  private final Memory packetBuffer = new Memory(65_536);

  private final String name;
  private final int fd;

  private TunDevice(String name, int fd) {
    this.name = name;
    this.fd = fd;
  }

  public static TunDevice open(String name) throws IOException {
    if (name.length() >= IFNAMSIZ) {
      throw new IOException("interface name too long: " + name);
    }
    int fd = LIBC.open("/dev/net/tun", O_RDWR);
    if (fd < 0) {
      throw new IOException("cannot open /dev/net/tun (errno " + Native.getLastError() + ")");
    }
    byte[] ifr = new byte[IFREQ_SIZE];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, ifr, 0, n.length);
    short flags = (short) (IFF_TUN | IFF_NO_PI);
    // struct ifreq: name[16] then the flags, in the machine's (little-endian) order
    ifr[IFNAMSIZ] = (byte) flags;
    ifr[IFNAMSIZ + 1] = (byte) (flags >>> 8);
    if (LIBC.ioctl(fd, new NativeLong(TUNSETIFF), ifr) < 0) {
      int errno = Native.getLastError();
      LIBC.close(fd);
      throw new IOException("TUNSETIFF " + name + " failed (errno " + errno + ")");
    }
    return new TunDevice(name, fd);
  }

  public String name() {
    return name;
  }

  /** Hands one IP packet (the first {@code length} bytes) to the kernel; one thread at a time. */
  public boolean write(byte[] packet, int length) {
    if (length > packetBuffer.size()) {
      return false;
    }
    packetBuffer.write(0, packet, 0, length);
    return DirectWrite.write(fd, packetBuffer, length) == length;
  }

  @Override
  public void close() {
    LIBC.close(fd);
  }
}
