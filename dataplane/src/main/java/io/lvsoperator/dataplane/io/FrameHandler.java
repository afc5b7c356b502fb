package io.lvsoperator.dataplane.io;

/** Receives each inbound frame; the buffer may be rewritten in place and sent again. */
@FunctionalInterface
public interface FrameHandler {
  void onFrame(byte[] frame, int length);
}
