package io.lvsoperator.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A failed port is replaced with backoff, on a clock of the test's own. */
class ReopeningPortTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<Long> attemptsAt = new ArrayList<>();
  private final AtomicInteger reopened = new AtomicInteger();
  private int refusals;

  /** A port that delivers one frame per poll until it is broken. */
  private static final class FakePort implements PacketPort {
    boolean broken;
    boolean closed;
    ClassicBpf filter;

    @Override
    public boolean filter(ClassicBpf program) {
      filter = program;
      return true;
    }

    @Override
    public int poll(FrameHandler handler, int max) {
      if (broken) {
        throw new PortFailedException("receive on eth0 failed (errno 100)", null);
      }
      handler.onFrame(new byte[60], 60);
      return 1;
    }

    @Override
    public boolean send(byte[] frame, int length) {
      return !broken;
    }

    @Override
    public long droppedByCapture() {
      return 7;
    }

    @Override
    public void wakeup() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private final List<FakePort> opened = new ArrayList<>();

  private ReopeningPort port(FakePort first) {
    return new ReopeningPort("eth0", first, () -> {
      attemptsAt.add(clock.get());
      if (refusals > 0) {
        refusals--;
        throw new PortException("interface eth0 is administratively down", null);
      }
      FakePort p = new FakePort();
      opened.add(p);
      return p;
    }, reopened::incrementAndGet, clock::get, clock::addAndGet);
  }

  @Test
  void aFailedPortIsClosedAndReopenedWithGrowingBackoffUntilTheInterfaceIsBack() {
    FakePort first = new FakePort();
    ReopeningPort port = port(first);
    AtomicInteger frames = new AtomicInteger();
    assertThat(port.poll((f, len) -> frames.incrementAndGet(), 64)).isEqualTo(1);

    first.broken = true;
    refusals = 3;
    assertThat(port.poll((f, len) -> frames.incrementAndGet(), 64)).isZero();
    assertThat(first.closed).isTrue();
    assertThat(port.failures()).isEqualTo(1);
    assertThat(port.downReason()).contains("errno 100");
    assertThat(port.send(new byte[60], 60)).as("sending while down").isFalse();

    // poll as the engine loop does until the port is back; bounded
    for (int i = 0; i < 1000 && reopened.get() == 0; i++) {
      port.poll((f, len) -> frames.incrementAndGet(), 64);
    }
    long ms = TimeUnit.MILLISECONDS.toNanos(1);
    assertThat(attemptsAt).as("attempts: 100 ms after the failure, then doubling")
        .containsExactly(100 * ms, 300 * ms, 700 * ms, 1500 * ms);
    assertThat(reopened.get()).isEqualTo(1);
    assertThat(port.reopens()).isEqualTo(1);
    assertThat(port.downReason()).isNull();
    assertThat(port.droppedByCapture()).as("drops of the retired port are kept").isEqualTo(14);

    int before = frames.get();
    assertThat(port.poll((f, len) -> frames.incrementAndGet(), 64)).isEqualTo(1);
    assertThat(frames.get()).isEqualTo(before + 1);
    assertThat(port.send(new byte[60], 60)).isTrue();
  }

  @Test
  void theBackoffStopsGrowingAtItsCeiling() {
    FakePort first = new FakePort();
    ReopeningPort port = port(first);
    first.broken = true;
    refusals = 20;
    for (int i = 0; i < 10_000 && reopened.get() == 0; i++) {
      port.poll((f, len) -> {}, 64);
    }
    assertThat(reopened.get()).isEqualTo(1);
    long last = attemptsAt.get(attemptsAt.size() - 1) - attemptsAt.get(attemptsAt.size() - 2);
    assertThat(last).isEqualTo(ReopeningPort.MAX_BACKOFF_NANOS);
  }

  @Test
  void aClosedPortDoesNotReopen() {
    FakePort first = new FakePort();
    ReopeningPort port = port(first);
    first.broken = true;
    port.poll((f, len) -> {}, 64);
    port.close();
    for (int i = 0; i < 100; i++) {
      clock.addAndGet(ReopeningPort.MAX_BACKOFF_NANOS);
      port.poll((f, len) -> {}, 64);
    }
    assertThat(attemptsAt).isEmpty();
  }

  /** The socket filter in force goes to every port opened, also one set while the port was down. */
  @Test
  void aReopenedPortGetsTheFilterInForce() {
    FakePort first = new FakePort();
    ReopeningPort port = port(first);
    ClassicBpf one = ClassicBpf.ipv4Protocol(4);
    assertThat(port.filter(one)).isTrue();
    assertThat(first.filter).isSameAs(one);
    first.broken = true;
    refusals = 1;
    port.poll((f, len) -> {}, 64);
    ClassicBpf two = ClassicBpf.ipv4Protocol(17);
    assertThat(port.filter(two)).as("taken while down, for the next port").isTrue();
    clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
    for (int i = 0; i < 5 && opened.isEmpty(); i++) {
      port.poll((f, len) -> {}, 64);
      clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
    }
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).filter).isSameAs(two);
  }
}
