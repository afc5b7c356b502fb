package io.lvsoperator.dataplane.io;

import static io.lvsoperator.dataplane.io.LinuxPacketSockets.*;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A packet socket's receive ring (PACKET_RX_RING, TPACKET_V2) mapped into this process: the kernel
 * writes each frame into the next fixed slot and flips the slot's status to the user, the engine
 * reads it in place and hands the slot back; no system call and no socket queue per frame while
 * frames keep coming (docs/architecture.md, "Packet I/O").
 *
 * <p>Version 2, not 3: a version-3 block reaches the user only when full or when its timer (at
 * least 1 ms) retires it, which would add up to a millisecond to every packet of a quiet service;
 * version-2 slots are the user's as soon as they are written. A frame larger than a slot (a GRO
 * super-frame, a jumbo frame) is written cut, marked {@link #COPY}, and queued whole on the
 * socket, in order, for one receive call (PACKET_COPY_THRESH).
 */
final class ReceiveRing {
  /** A slot: the 32-byte tpacket2_hdr, the link-layer address, the virtio-net header, then a 1,514-byte frame. */
  static final int SLOT_SIZE = 2048;
  static final int SLOTS = 8192;
  private static final int BLOCK_SIZE = 1 << 16;
  static final int USER = 1;
  static final int COPY = 2;

  // struct tpacket2_hdr
  private static final int STATUS = 0;
  private static final int LENGTH = 4;
  private static final int CAPTURED = 8;
  private static final int MAC = 12;
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private final Pointer mapping;
  private final long size;
  /** The whole ring; header fields in the host's order. */
  final ByteBuffer bytes;
  private int head;
  private boolean unmapped;

  private ReceiveRing(Pointer mapping, long size) {
    this.mapping = mapping;
    this.size = size;
    this.bytes = mapping.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
  }

  /**
   * Sets the socket up for a version-2 ring and maps it. After PACKET_VNET_HDR (the kernel refuses
   * to change that once a ring exists) and before bind (no frame goes to the socket's queue first).
   */
  static ReceiveRing map(int fd) throws LastErrorException {
    setInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2);
    Memory request = new Memory(16); // struct tpacket_req: block size, block count, frame size, frame count
    request.setInt(0, BLOCK_SIZE);
    request.setInt(4, (int) ((long) SLOTS * SLOT_SIZE / BLOCK_SIZE));
    request.setInt(8, SLOT_SIZE);
    request.setInt(12, SLOTS);
    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, request, 16);
    try {
      // frames that do not fit a slot are queued whole too, for the receive call that takes them
      setInt(fd, SOL_PACKET, PACKET_COPY_THRESH, 1);
      long size = (long) SLOTS * SLOT_SIZE;
      Pointer mapping = mmap(Pointer.NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (Pointer.nativeValue(mapping) == -1L) {
        throw new LastErrorException("mmap of the receive ring failed");
      }
      return new ReceiveRing(mapping, size);
    } catch (LastErrorException e) {
      // a ring nobody reads would take every frame from the batched receive the port falls back to
      request.clear();
      setsockopt(fd, SOL_PACKET, PACKET_RX_RING, request, 16);
      throw e;
    }
  }

  /** The offset of the next slot the kernel has handed over, or -1 when it has not written it yet. */
  int next() {
    int at = head * SLOT_SIZE;
    return ((int) INT.getAcquire(bytes, at + STATUS) & USER) != 0 ? at : -1;
  }

  int status(int slot) {
    return (int) INT.getAcquire(bytes, slot + STATUS);
  }

  /** The frame's length on the wire. */
  int length(int slot) {
    return bytes.getInt(slot + LENGTH);
  }

  /** The bytes of it the slot holds. */
  int captured(int slot) {
    return bytes.getInt(slot + CAPTURED);
  }

  /** Where the frame starts in the ring (the virtio-net header, when asked for, just before). */
  int frameAt(int slot) {
    return slot + (bytes.getShort(slot + MAC) & 0xffff);
  }

  /** Gives the slot back to the kernel; the caller has copied what it needs out of it. */
  void release(int slot) {
    INT.setRelease(bytes, slot + STATUS, 0);
    head = head + 1 == SLOTS ? 0 : head + 1;
  }

  /** Only once no thread reads the ring any more. */
  void unmap() {
    if (!unmapped) {
      unmapped = true;
      munmap(mapping, size);
    }
  }
}
