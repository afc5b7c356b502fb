package io.lvsoperator.dataplane.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The few libc calls an AF_PACKET socket needs, bound with JNA direct mapping (a plain native
 * call, no reflection or argument conversion per call). Structures are laid out by hand for LP64
 * Linux (x86_64, aarch64).
 */
final class LinuxPacketSockets {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  /** htons(ETH_P_ALL). */
  static final int ETH_P_ALL_BE = 0x0300;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVTIMEO = 20;
  static final int SO_RCVBUFFORCE = 33;
  static final int SO_SNDBUFFORCE = 32;
  static final int SO_ATTACH_FILTER = 26;
  static final int SO_DETACH_FILTER = 27;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_MR_MULTICAST = 0;
  /** struct packet_mreq: int ifindex, unsigned short type, unsigned short alen, unsigned char address[8]. */
  static final int PACKET_MREQ_SIZE = 16;
  static final int PACKET_RX_RING = 5;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_COPY_THRESH = 7;
  static final int PACKET_VERSION = 10;
  static final int TPACKET_V2 = 1;
  static final int PACKET_VNET_HDR = 15;
  static final int PACKET_QDISC_BYPASS = 20;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int PACKET_FANOUT = 18;
  static final int PACKET_FANOUT_DATA = 22;
  /** Fanout by a classic BPF program's result, modulo the group's sockets. */
  static final int PACKET_FANOUT_CBPF = 6;
  /** The kernel picks the id of the group the first member creates (Linux 4.15). */
  static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
  static final int MSG_WAITFORONE = 0x10000;
  static final int MSG_TRUNC = 0x20;
  static final int MSG_DONTWAIT = 0x40;
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final short POLLIN = 1;
  /** struct pollfd: int fd, short events, short revents. */
  static final int POLLFD_SIZE = 8;
  static final int EAGAIN = 11;
  static final int EINTR = 4;

  /** struct sockaddr_ll. */
  static final int SOCKADDR_LL_SIZE = 20;
  /** struct mmsghdr: struct msghdr (56 bytes) + unsigned int msg_len, padded to 64. */
  static final int MMSGHDR_SIZE = 64;
  static final int MSG_IOV_OFFSET = 16;
  static final int MSG_IOVLEN_OFFSET = 24;
  static final int MSG_FLAGS_OFFSET = 48;
  static final int MSG_LEN_OFFSET = 56;
  /** struct iovec. */
  static final int IOVEC_SIZE = 16;

  private LinuxPacketSockets() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, Pointer address, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

  static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length) throws LastErrorException;

  static native int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout)
      throws LastErrorException;

  static native int sendmmsg(int fd, Pointer messages, int count, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
      throws LastErrorException;

  static native int munmap(Pointer address, long length) throws LastErrorException;

  static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

  static native int if_nametoindex(String name) throws LastErrorException;

  static void setInt(int fd, int level, int name, int value) {
    Memory v = new Memory(4);
    v.setInt(0, value);
    setsockopt(fd, level, name, v, 4);
  }

  static boolean trySetInt(int fd, int level, int name, int value) {
    try {
      setInt(fd, level, name, value);
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }
}
