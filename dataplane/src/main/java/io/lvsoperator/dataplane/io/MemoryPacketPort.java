package io.lvsoperator.dataplane.io;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * In-memory port for tests: frames are offered in, sent frames are collected. Like a packet
 * socket with its virtio-net header, it carries {@link Offload}s both ways; it keeps the filters
 * it is given, refusing those longer than {@link #filterLimit} as a kernel refuses programs.
 */
public final class MemoryPacketPort implements PacketPort {
  /** A frame as sent, with what the kernel was asked to do to it. */
  public record Sent(byte[] frame, Offload offload) {}

  private record Inbound(byte[] frame, Offload offload) {}

  private final ArrayDeque<Inbound> inbound = new ArrayDeque<>();
  private final List<Sent> sent = new ArrayList<>();
  private final List<ClassicBpf> filters = new ArrayList<>();
  private final List<ClassicBpf> fanoutPrograms = new ArrayList<>();
  private volatile boolean linkUp = true;
  private volatile int filterLimit = ClassicBpf.MAX_INSTRUCTIONS;

  /** Takes the link down (sends are then refused) or brings it back. */
  public void linkUp(boolean up) {
    linkUp = up;
  }

  @Override
  public boolean linkUp() {
    return linkUp;
  }

  public void offer(byte[] frame) {
    offer(frame, Offload.NONE);
  }

  /** A frame as a packet socket reports it with offloads (copied, with its offload). */
  public synchronized void offer(byte[] frame, Offload offload) {
    inbound.add(new Inbound(frame.clone(), new Offload().copyFrom(offload)));
  }

  /** The frames sent so far, in order, and forgets them. */
  public synchronized List<byte[]> drainSent() {
    List<byte[]> out = new ArrayList<>();
    for (Sent s : sent) {
      out.add(s.frame());
    }
    sent.clear();
    return out;
  }

  /** The frames sent so far with their offloads, in order, and forgets them. */
  public synchronized List<Sent> drainSentWithOffloads() {
    List<Sent> out = new ArrayList<>(sent);
    sent.clear();
    return out;
  }

  @Override
  public int poll(FrameHandler handler, int max) {
    int n = 0;
    while (n < max) {
      Inbound in;
      synchronized (this) {
        in = inbound.poll();
      }
      if (in == null) {
        break;
      }
      handler.onFrame(in.frame(), in.frame().length, in.offload());
      n++;
    }
    return n;
  }

  @Override
  public boolean send(byte[] frame, int length) {
    return send(frame, length, Offload.NONE);
  }

  @Override
  public synchronized boolean send(byte[] frame, int length, Offload offload) {
    if (!linkUp) {
      return false;
    }
    sent.add(new Sent(Arrays.copyOf(frame, length), new Offload().copyFrom(offload)));
    return true;
  }

  /** Programs longer than this are refused; 0: the port takes no filter (as pcap). */
  public void filterLimit(int instructions) {
    filterLimit = instructions;
  }

  /** The filters installed so far, in order (null: removed). */
  public synchronized List<ClassicBpf> filters() {
    return new ArrayList<>(filters);
  }

  @Override
  public synchronized boolean filter(ClassicBpf program) {
    if (program != null && program.length() > filterLimit) {
      return false;
    }
    filters.add(program);
    return true;
  }

  /** A group of its own; its programs are kept as {@link #fanoutPrograms}, within the filter limit. */
  @Override
  public int createFanout() {
    return 1;
  }

  @Override
  public void joinFanout(int group) {}

  @Override
  public synchronized boolean fanoutProgram(ClassicBpf program) {
    if (program.length() > filterLimit) {
      return false;
    }
    fanoutPrograms.add(program);
    return true;
  }

  /** The fanout programs set through this port so far, in order. */
  public synchronized List<ClassicBpf> fanoutPrograms() {
    return new ArrayList<>(fanoutPrograms);
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
