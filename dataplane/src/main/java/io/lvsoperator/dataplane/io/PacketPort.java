package io.lvsoperator.dataplane.io;

/**
 * The one seam between the engine and the wire: raw Ethernet frames in and out. Implementations:
 * {@link PcapPacketPort} (pcap4j, the default) and {@link AfPacketPort} (batched AF_PACKET
 * socket) on a real interface, {@link MemoryPacketPort} in tests.
 */
public interface PacketPort extends AutoCloseable {
  /**
   * Hands up to {@code max} waiting inbound frames to the handler on the calling thread; returns
   * how many, 0 when none arrived within the port's short wait.
   */
  int poll(FrameHandler handler, int max);

  /**
   * Sends {@code length} bytes from the start of {@code frame} (copied: the array is the caller's
   * again on return); false when the port refused it. A batching port may hold the frame until
   * {@link #flush()}.
   */
  boolean send(byte[] frame, int length);

  /**
   * Sends a frame with what the kernel should still do to it ({@link Offload}: a checksum to
   * finish, a super-frame to segment). A port that cannot hand that to its kernel finishes the
   * checksum itself and refuses a super-frame.
   */
  default boolean send(byte[] frame, int length, Offload offload) {
    return OffloadedFrames.resolve(frame, length, offload) && send(frame, length);
  }

  /** Puts held frames on the wire; the engine loop calls it after every batch and timer run. */
  default void flush() {}

  /**
   * Replaces the kernel-side filter of the socket atomically ({@code null}: none, every frame
   * passes); false when this port takes no filter or the kernel refused it.
   */
  default boolean filter(ClassicBpf program) {
    return program == null;
  }

  /**
   * Makes this socket the first member of a new fanout group and returns the group's id
   * (docs/architecture.md, "Workers"); a port that cannot fan out refuses.
   */
  default int createFanout() throws PortException {
    throw new PortException("this packet I/O cannot spread frames over workers (fanout): use --io afpacket", null);
  }

  /** Joins the fanout group {@code group} that another port {@linkplain #createFanout created}. */
  default void joinFanout(int group) throws PortException {
    throw new PortException("this packet I/O cannot spread frames over workers (fanout): use --io afpacket", null);
  }

  /** Replaces the program of this port's fanout group; false when the kernel refused it or there is no group. */
  default boolean fanoutProgram(ClassicBpf program) {
    return false;
  }

  /** Frames the capture layer dropped before we saw them (ring overflow), for metrics. */
  long droppedByCapture();

  /** False while the port knows its link is down (nothing it sends leaves). */
  default boolean linkUp() {
    return true;
  }

  /** Ends a blocked {@link #poll} promptly (from another thread). */
  void wakeup();

  @Override
  void close();
}
