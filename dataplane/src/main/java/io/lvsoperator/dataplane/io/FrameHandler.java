package io.lvsoperator.dataplane.io;

/** Receives each inbound frame; the buffer may be rewritten in place and sent again. */
@FunctionalInterface
public interface FrameHandler {
  void onFrame(byte[] frame, int length);

  /**
   * A frame with what its port's kernel said of it. A handler that does not look at offloads gets
   * the frame with its checksum finished (a super-frame as one large packet).
   */
  default void onFrame(byte[] frame, int length, Offload offload) {
    OffloadedFrames.resolve(frame, length, offload);
    onFrame(frame, length);
  }
}
