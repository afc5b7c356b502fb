package io.lvsoperator.dataplane.io;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** In-memory port for tests: frames are offered in, sent frames are collected. */
public final class MemoryPacketPort implements PacketPort {
  private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
  private final List<byte[]> sent = new ArrayList<>();
  private volatile boolean linkUp = true;

  /** Takes the link down (sends are then refused) or brings it back. */
  public void linkUp(boolean up) {
    linkUp = up;
  }

  @Override
  public boolean linkUp() {
    return linkUp;
  }

  public synchronized void offer(byte[] frame) {
    inbound.add(frame.clone());
  }

  /** The frames sent so far, in order, and forgets them. */
  public synchronized List<byte[]> drainSent() {
    List<byte[]> out = new ArrayList<>(sent);
    sent.clear();
    return out;
  }

  @Override
  public int poll(FrameHandler handler, int max) {
    int n = 0;
    while (n < max) {
      byte[] f;
      synchronized (this) {
        f = inbound.poll();
      }
      if (f == null) {
        break;
      }
      handler.onFrame(f, f.length);
      n++;
    }
    return n;
  }

  @Override
  public synchronized boolean send(byte[] frame, int length) {
    if (!linkUp) {
      return false;
    }
    sent.add(Arrays.copyOf(frame, length));
    return true;
  }

  @Override
  public long droppedByCapture() {
    return 0;
  }

  @Override
  public void wakeup() {}

  @Override
  public void close() {}
}
