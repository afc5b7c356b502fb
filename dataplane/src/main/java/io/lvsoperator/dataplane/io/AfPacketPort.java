package io.lvsoperator.dataplane.io;

import static io.lvsoperator.dataplane.io.LinuxPacketSockets.*;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux AF_PACKET socket on one interface. Frames come in through a memory-mapped receive ring
 * ({@link ReceiveRing}: no system call per frame while they keep coming; a frame too big for a slot
 * through one receive call), or, where the kernel refuses the ring, in batches of {@link #BATCH}
 * per recvmmsg; sends gather until {@link #flush()} (or a full batch) hands them to one sendmmsg.
 * Against pcap4j's dispatch this removes the native callback and the byte[] allocated for every
 * frame, and the system call for every frame sent. Inbound frames only (PACKET_IGNORE_OUTGOING), as
 * with pcap's direction IN. Frames are copied once each way between native memory and one reused
 * array, which is what the engine works on.
 *
 * <p>With offloads (PACKET_VNET_HDR, the default), every frame comes and goes with its virtio-net
 * header: partial checksums and GSO/GRO super-frames of senders and NICs with offloads on are
 * received for what they are and sent on as such, for the kernel or the NIC to finish
 * (docs/architecture.md, "Offloads").
 */
public final class AfPacketPort implements PacketPort {
  private static final Logger LOG = LoggerFactory.getLogger(AfPacketPort.class);
  static final int BATCH = 64;
  /** Largest frame: 64 KiB covers any MTU and frames the kernel aggregated (GRO). */
  static final int SLOT = 65_536 + 16;
  private static final int READ_TIMEOUT_MICROS = 10_000;
  private static final int POLL_TIMEOUT_MILLIS = READ_TIMEOUT_MICROS / 1000;
  private static final int SOCKET_BUFFER_BYTES = 16 << 20;

  private final int fd;
  private final String interfaceName;
  private final Rings rx = new Rings();
  private final Rings tx = new Rings();
  private final byte[] frame = new byte[SLOT];
  private final boolean offloads;
  /** Null where the kernel refused it: then every frame comes through recvmmsg. */
  private final ReceiveRing ring;
  private final Memory pollFd = new Memory(POLLFD_SIZE);
  private final Offload received = new Offload();
  private final Memory stats = new Memory(8);
  private final Memory statsLength = new Memory(4);
  private int pending;
  private long dropped;
  // written by the engine thread only, read by the metrics thread
  private volatile long truncated;
  private volatile long sendFailures;
  private volatile boolean closed;
  /** How long after its last frame the ring is checked again at once rather than slept on (0: never). */
  private volatile long busyPollNanos;
  private long lastFrameNanos;
  private long waits;

  /** One batch of message headers, each with one iovec over its own slot of one buffer. */
  private static final class Rings {
    final Memory headers = new Memory((long) BATCH * MMSGHDR_SIZE);
    final Memory iovecs = new Memory((long) BATCH * IOVEC_SIZE);
    final Memory buffer = new Memory((long) BATCH * SLOT);
    final ByteBuffer bytes = buffer.getByteBuffer(0, (long) BATCH * SLOT);
    final ByteBuffer nativeBytes = buffer.getByteBuffer(0, (long) BATCH * SLOT).order(ByteOrder.nativeOrder());
    // views for the per-frame fields, read and written from Java without a native call each
    final ByteBuffer headerFields =
        headers.getByteBuffer(0, (long) BATCH * MMSGHDR_SIZE).order(ByteOrder.nativeOrder());
    final ByteBuffer iovecFields = iovecs.getByteBuffer(0, (long) BATCH * IOVEC_SIZE).order(ByteOrder.nativeOrder());
    final Pointer[] headerAt = new Pointer[BATCH];

    Rings() {
      headers.clear();
      for (int i = 0; i < BATCH; i++) {
        iovecs.setPointer((long) i * IOVEC_SIZE, buffer.share((long) i * SLOT));
        iovecs.setLong((long) i * IOVEC_SIZE + 8, SLOT);
        headers.setPointer((long) i * MMSGHDR_SIZE + MSG_IOV_OFFSET, iovecs.share((long) i * IOVEC_SIZE));
        headers.setLong((long) i * MMSGHDR_SIZE + MSG_IOVLEN_OFFSET, 1);
        headerAt[i] = headers.share((long) i * MMSGHDR_SIZE);
      }
    }
  }

  private AfPacketPort(int fd, String interfaceName, boolean offloads, ReceiveRing ring) {
    this.fd = fd;
    this.interfaceName = interfaceName;
    this.offloads = offloads;
    this.ring = ring;
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLIN);
  }

  /** With offloads where the kernel offers them. */
  public static AfPacketPort open(String interfaceName) throws PortException {
    return open(interfaceName, null, true);
  }

  /**
   * @param filter when given, the kernel hands the socket only the frames it accepts
   * @param offloads whether to ask for the virtio-net header (else frames with partial checksums or
   *     super-frames cannot be told apart, and the interfaces' offloads must be off)
   */
  public static AfPacketPort open(String interfaceName, ClassicBpf filter, boolean offloads) throws PortException {
    int fd;
    try {
      // protocol 0: nothing is queued until bind names the interface and the protocol
      fd = socket(AF_PACKET, SOCK_RAW, 0);
    } catch (LastErrorException e) {
      throw new PortException("cannot open a packet socket for " + interfaceName + " (errno " + e.getErrorCode()
          + "; needs CAP_NET_RAW)", e);
    }
    try {
      int index = if_nametoindex(interfaceName);
      if (index == 0) {
        throw new PortException("no interface " + interfaceName, null);
      }
      if (filter != null) {
        // before bind, so that no frame the filter would refuse is queued in between
        attach(fd, filter);
      }
      // before bind (no frame queued without its header) and before any ring
      boolean vnet = offloads && trySetInt(fd, SOL_PACKET, PACKET_VNET_HDR, 1);
      if (offloads && !vnet) {
        LOG.warn("packet socket on {}: the kernel refuses PACKET_VNET_HDR; the interface's checksum offload and"
            + " TSO/GRO must be off", interfaceName);
      }
      ReceiveRing ring = null;
      try {
        ring = ReceiveRing.map(fd);
      } catch (LastErrorException e) {
        LOG.warn("packet socket on {}: the kernel refuses a receive ring (errno {}); receiving in batches instead",
            interfaceName, e.getErrorCode());
      }
      Memory address = new Memory(SOCKADDR_LL_SIZE);
      address.clear();
      address.setShort(0, (short) AF_PACKET);
      address.setShort(2, (short) ETH_P_ALL_BE);
      address.setInt(4, index);
      bind(fd, address, SOCKADDR_LL_SIZE);
      setInt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
      if (!vnet) {
        // no qdisc on the way out: the engine already paces itself, and veth has none anyway. Not
        // with super-frames: bypassing the qdisc also bypasses software segmentation, and a
        // device without TSO would drop them silently
        trySetInt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
      }
      if (!trySetInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES)) {
        trySetInt(fd, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_BYTES);
      }
      if (!trySetInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES)) {
        trySetInt(fd, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_BYTES);
      }
      // a bounded wait, so the engine's timers run while the wire is silent
      Memory timeout = new Memory(16);
      timeout.setLong(0, 0);
      timeout.setLong(8, READ_TIMEOUT_MICROS);
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
      LOG.info("packet socket on {} open, offloads {}, {}", interfaceName, vnet ? "on (PACKET_VNET_HDR)" : "off",
          ring != null ? "receive ring of " + ReceiveRing.SLOTS + " slots" : "batched receive");
      return new AfPacketPort(fd, interfaceName, vnet, ring);
    } catch (LastErrorException e) {
      LinuxPacketSockets.close(fd);
      throw new PortException("cannot set up the packet socket on " + interfaceName + " (errno " + e.getErrorCode()
          + ")", e);
    } catch (PortException e) {
      LinuxPacketSockets.close(fd);
      throw e;
    }
  }

  /**
   * Null when this kernel offers what the port needs (a packet socket with the virtio-net header,
   * batched calls), else why not: for {@code --io auto}.
   */
  public static String unavailable() {
    try {
      int fd = socket(AF_PACKET, SOCK_RAW, 0);
      try {
        setInt(fd, SOL_PACKET, PACKET_VNET_HDR, 1);
        // the batched calls exist in this libc (binding failed otherwise, an Error below)
        return null;
      } finally {
        LinuxPacketSockets.close(fd);
      }
    } catch (LastErrorException e) {
      return "a packet socket with PACKET_VNET_HDR is refused (errno " + e.getErrorCode() + ")";
    } catch (LinkageError e) {
      return "no Linux libc with packet sockets (" + e.getMessage() + ")";
    }
  }

  private static void attach(int fd, ClassicBpf filter) {
    setProgram(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter);
  }

  /** Sets a socket option whose value is a classic BPF program (struct sock_fprog). */
  private static void setProgram(int fd, int level, int option, ClassicBpf bpf) {
    Memory instructions = bpf.instructions();
    Memory program = new Memory(16); // struct sock_fprog {u16 len; struct sock_filter *filter}
    program.clear();
    program.setShort(0, (short) bpf.length());
    program.setPointer(8, instructions);
    setsockopt(fd, level, option, program, 16);
  }

  /**
   * Makes this socket the first member of a new fanout group (mode {@code PACKET_FANOUT_CBPF}),
   * whose id the kernel chooses among those no group of the network namespace holds
   * ({@code PACKET_FANOUT_FLAG_UNIQUEID}): another process's group is never joined by mistake.
   * Returns the id, for the other members to {@link #joinFanout join}.
   */
  @Override
  public int createFanout() throws PortException {
    try {
      setInt(fd, SOL_PACKET, PACKET_FANOUT, (PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_UNIQUEID) << 16);
      Memory value = new Memory(4);
      Memory length = new Memory(4);
      length.setInt(0, 4);
      getsockopt(fd, SOL_PACKET, PACKET_FANOUT, value, length);
      return value.getInt(0) & 0xffff;
    } catch (LastErrorException e) {
      throw new PortException("packet socket on " + interfaceName + ": cannot create a fanout group (errno "
          + e.getErrorCode() + ")", e);
    }
  }

  /**
   * Joins this socket to fanout group {@code group} of its interface, where a classic BPF program
   * picks each frame's socket ({@code PACKET_FANOUT_CBPF}; until one is set, every frame goes to
   * the first member). Each worker opens a port and joins the same group (docs/architecture.md,
   * "Workers").
   */
  @Override
  public void joinFanout(int group) throws PortException {
    try {
      setInt(fd, SOL_PACKET, PACKET_FANOUT, (group & 0xffff) | (PACKET_FANOUT_CBPF << 16));
    } catch (LastErrorException e) {
      throw new PortException("packet socket on " + interfaceName + ": cannot join fanout group " + group + " (errno "
          + e.getErrorCode() + ")", e);
    }
  }

  /**
   * Replaces the program of this socket's fanout group, for every member at once; false, with a
   * log line, when the kernel refuses it.
   */
  @Override
  public boolean fanoutProgram(ClassicBpf program) {
    try {
      setProgram(fd, SOL_PACKET, PACKET_FANOUT_DATA, program);
      return true;
    } catch (LastErrorException e) {
      LOG.warn("packet socket on {}: fanout program of {} instructions refused (errno {})", interfaceName,
          program.length(), e.getErrorCode());
      return false;
    }
  }

  /** The kernel swaps the socket's filter in one step: no frame sees neither or half of one. */
  @Override
  public boolean filter(ClassicBpf program) {
    try {
      if (program == null) {
        trySetInt(fd, SOL_SOCKET, SO_DETACH_FILTER, 0);
      } else {
        attach(fd, program);
      }
      return true;
    } catch (LastErrorException e) {
      LOG.warn("packet socket on {}: filter of {} instructions refused (errno {})", interfaceName, program.length(),
          e.getErrorCode());
      return false;
    }
  }

  @Override
  public int poll(FrameHandler handler, int max) {
    if (ring == null) {
      return receive(handler, max, MSG_WAITFORONE);
    }
    synchronized (ring) { // close() unmaps the ring only while no poll reads it
      if (closed) {
        return 0;
      }
      int n = drain(handler, max);
      if (n == 0) {
        if (busyPollNanos > 0 && System.nanoTime() - lastFrameNanos < busyPollNanos) {
          Thread.onSpinWait(); // the engine loop turns and looks again, without a system call
          return 0;
        }
        if (awaitFrames(handler)) {
          n = drain(handler, max);
        }
      }
      if (n > 0 && busyPollNanos > 0) {
        lastFrameNanos = System.nanoTime();
      }
      return n;
    }
  }

  /**
   * After a frame, keeps checking the receive ring for {@code nanos} before the engine sleeps in
   * {@code poll(2)}: while frames keep coming closer together than that, the engine thread is not
   * put to sleep and woken for each (docs/architecture.md, "Packet I/O"). 0 (the default here)
   * sleeps as soon as the ring is empty. Only with the ring.
   */
  public void busyPoll(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("busy poll of " + nanos + " ns");
    }
    busyPollNanos = nanos;
  }

  /** Times the engine slept in poll(2) on the empty ring: each is a wake-up to pay when a frame comes. */
  long waits() {
    return waits;
  }

  /** Whether frames come through the memory-mapped ring (else through recvmmsg alone). */
  boolean ringMapped() {
    return ring != null;
  }

  /** Takes the slots the kernel has handed over, up to {@code max}, giving each back once copied. */
  private int drain(FrameHandler handler, int max) {
    int n = 0;
    while (n < max) {
      int slot = ring.next();
      if (slot < 0) {
        break;
      }
      n++;
      if ((ring.status(slot) & ReceiveRing.COPY) != 0) {
        // the slot holds the start of a frame too big for it; the frame, whole, is next on the socket
        ring.release(slot);
        receive(handler, 1, MSG_DONTWAIT);
        continue;
      }
      int length = ring.length(slot);
      if (ring.captured(slot) < length) {
        truncated = truncated + 1; // too big, and no room on the socket to queue it whole
        ring.release(slot);
        continue;
      }
      int at = ring.frameAt(slot);
      if (offloads) {
        VirtioNetHeader.read(ring.bytes, at - VirtioNetHeader.LENGTH, received);
      }
      ring.bytes.get(at, frame, 0, length);
      ring.release(slot);
      deliver(handler, length);
    }
    return n;
  }

  /**
   * Waits (bounded, so the engine's timers run while the wire is silent) until the ring has a
   * frame; a socket error (the interface went away) surfaces from the receive call as in batch mode.
   */
  private boolean awaitFrames(FrameHandler handler) {
    waits++;
    pollFd.setShort(6, (short) 0);
    int ready;
    try {
      ready = LinuxPacketSockets.poll(pollFd, 1, POLL_TIMEOUT_MILLIS);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EINTR || closed) {
        return false;
      }
      throw new PortFailedException("waiting on " + interfaceName + " failed (errno " + e.getErrorCode() + ")", e);
    }
    if (ready > 0 && (pollFd.getShort(6) & POLLIN) == 0) {
      receive(handler, 1, MSG_DONTWAIT); // throws the socket's error
      return false;
    }
    return ready > 0;
  }

  /** Frames through recvmmsg: all of them without a ring, those too big for a slot with one. */
  private int receive(FrameHandler handler, int max, int flags) {
    int n;
    try {
      n = recvmmsg(fd, rx.headers, Math.min(max, BATCH), flags, Pointer.NULL);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR || closed) {
        return 0;
      }
      throw new PortFailedException("receive on " + interfaceName + " failed (errno " + e.getErrorCode() + ")", e);
    }
    for (int i = 0; i < n; i++) {
      int header = i * MMSGHDR_SIZE;
      int length = rx.headerFields.getInt(header + MSG_LEN_OFFSET);
      if ((rx.headerFields.getInt(header + MSG_FLAGS_OFFSET) & MSG_TRUNC) != 0 || length > SLOT) {
        truncated = truncated + 1;
        continue;
      }
      if (!offloads) {
        rx.bytes.get(i * SLOT, frame, 0, length);
        deliver(handler, length);
        continue;
      }
      if (length < VirtioNetHeader.LENGTH) {
        truncated = truncated + 1;
        continue;
      }
      VirtioNetHeader.read(rx.nativeBytes, i * SLOT, received);
      length -= VirtioNetHeader.LENGTH;
      rx.bytes.get(i * SLOT + VirtioNetHeader.LENGTH, frame, 0, length);
      deliver(handler, length);
    }
    return Math.max(n, 0);
  }

  /** The frame is in {@link #frame}, its virtio-net header (with offloads) in {@link #received}. */
  private void deliver(FrameHandler handler, int length) {
    if (!offloads) {
      handler.onFrame(frame, length);
      return;
    }
    OffloadedFrames.settle(frame, length, received);
    handler.onFrame(frame, length, received);
  }

  @Override
  public boolean send(byte[] frame, int length) {
    return enqueue(frame, length, Offload.NONE);
  }

  @Override
  public boolean send(byte[] frame, int length, Offload offload) {
    if (!offloads) {
      return OffloadedFrames.resolve(frame, length, offload) && enqueue(frame, length, Offload.NONE);
    }
    return enqueue(frame, length, offload);
  }

  private boolean enqueue(byte[] frame, int length, Offload offload) {
    int header = offloads ? VirtioNetHeader.LENGTH : 0;
    if (length + header > SLOT) {
      return false;
    }
    if (pending == BATCH) {
      flush();
    }
    if (offloads) {
      VirtioNetHeader.write(tx.nativeBytes, pending * SLOT, offload, frame);
    }
    tx.bytes.put(pending * SLOT + header, frame, 0, length);
    tx.iovecFields.putLong(pending * IOVEC_SIZE + 8, length + header);
    pending++;
    return true;
  }

  @Override
  public void flush() {
    int from = 0;
    while (from < pending) {
      int sent;
      try {
        sent = sendmmsg(fd, tx.headerAt[from], pending - from, 0);
      } catch (LastErrorException e) {
        // the frame at `from` was refused (a full socket buffer, a frame too big for the link): drop it
        sendFailures = sendFailures + 1;
        sent = 1;
      }
      from += Math.max(sent, 1);
    }
    pending = 0;
  }

  /** Frames the socket dropped (its buffer was full), frames too big for a slot, frames refused on send. */
  @Override
  public long droppedByCapture() {
    try {
      statsLength.setInt(0, 8);
      getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, stats, statsLength);
      // the kernel resets these counters on every read: keep the sum
      dropped += Integer.toUnsignedLong(stats.getInt(4));
    } catch (LastErrorException e) {
      // closed or unsupported: report what we have
    }
    return dropped + truncated + sendFailures;
  }

  @Override
  public void wakeup() {
    // the receive wait is bounded (SO_RCVTIMEO, or poll's timeout with the ring): nothing to interrupt
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LinuxPacketSockets.close(fd);
      if (ring != null) {
        synchronized (ring) {
          ring.unmap();
        }
      }
      LOG.info("packet socket on {} closed", interfaceName);
    }
  }
}
