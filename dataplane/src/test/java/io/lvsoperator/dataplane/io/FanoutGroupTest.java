package io.lvsoperator.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The sockets of the workers join their group in worker order, and when one fails all are opened
 * again together in that order (the kernel indexes a group's sockets by the order they joined),
 * each failed one closed by its own worker, on a clock of the test's own.
 */
class FanoutGroupTest {
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger reopened = new AtomicInteger();
  /** Every socket opened, in order, and what it did. */
  private final List<FakeSocket> opened = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private int refusals;
  private int nextGroup = 7;

  private final class FakeSocket implements PacketPort {
    final int index = opened.size();
    boolean broken;
    boolean closed;
    ClassicBpf filter;
    ClassicBpf program;
    int group = -1;

    @Override
    public int createFanout() {
      group = nextGroup++;
      events.add("socket " + index + " creates group " + group);
      return group;
    }

    @Override
    public void joinFanout(int g) {
      group = g;
      events.add("socket " + index + " joins group " + g);
    }

    @Override
    public boolean fanoutProgram(ClassicBpf p) {
      program = p;
      return true;
    }

    @Override
    public boolean filter(ClassicBpf p) {
      filter = p;
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
      return !closed;
    }

    @Override
    public long droppedByCapture() {
      return 0;
    }

    @Override
    public void wakeup() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private FanoutGroup group(int size) throws PortException {
    return FanoutGroup.open("eth0", size, () -> {
      if (refusals > 0) {
        refusals--;
        throw new PortException("interface eth0 is administratively down", null);
      }
      FakeSocket s = new FakeSocket();
      opened.add(s);
      return s;
    }, reopened::incrementAndGet, clock::get, clock::addAndGet);
  }

  private static int poll(PacketPort member) {
    return member.poll((f, len) -> {}, 64);
  }

  @Test
  void theSocketsJoinOneGroupInWorkerOrderAndGetTheirFilters() throws Exception {
    FanoutGroup g = group(3);
    assertThat(events).containsExactly("socket 0 creates group 7", "socket 1 joins group 7", "socket 2 joins group 7");
    ClassicBpf program = new ClassicBpf.Builder().returnValue(1).build();
    assertThat(g.program(program)).isTrue();
    assertThat(opened.get(0).program).isSameAs(program);
    ClassicBpf filter = new ClassicBpf.Builder().accept().build();
    for (int k = 0; k < 3; k++) {
      assertThat(g.member(k).filter(filter)).isTrue();
      assertThat(opened.get(k).filter).isSameAs(filter);
      assertThat(poll(g.member(k))).isEqualTo(1);
    }
    assertThat(g.member(1).send(new byte[60], 60)).isTrue();
  }

  @Test
  void whenOneSocketFailsAllAreOpenedAgainTogetherInWorkerOrder() throws Exception {
    FanoutGroup g = group(3);
    ClassicBpf program = new ClassicBpf.Builder().returnValue(2).build();
    ClassicBpf filter = new ClassicBpf.Builder().accept().build();
    g.program(program);
    for (int k = 0; k < 3; k++) {
      g.member(k).filter(filter);
    }
    events.clear();
    opened.get(1).broken = true;
    assertThat(poll(g.member(1))).isZero();
    assertThat(g.downReason()).contains("errno 100");
    assertThat(g.failures()).isEqualTo(1);
    assertThat(g.member(0).send(new byte[60], 60)).as("down: nothing is sent").isFalse();
    // worker 1 lets its socket go at its next poll; workers 0 and 2 at theirs
    assertThat(poll(g.member(1))).isZero();
    assertThat(opened.get(1).closed).isTrue();
    assertThat(opened.get(0).closed).as("never closed under another worker's poll").isFalse();
    assertThat(poll(g.member(2))).isZero();
    assertThat(opened.get(2).closed).isTrue();
    // worker 0's polls reopen the group once its backoff passed and every socket is let go
    for (int i = 0; i < 10 && g.downReason() != null; i++) {
      poll(g.member(0));
    }
    assertThat(g.downReason()).isNull();
    assertThat(opened.get(0).closed).isTrue();
    assertThat(events).containsExactly("socket 3 creates group 8", "socket 4 joins group 8", "socket 5 joins group 8");
    assertThat(opened.get(3).program).as("the program again, on the new group").isSameAs(program);
    for (int k = 0; k < 3; k++) {
      assertThat(opened.get(3 + k).filter).as("worker %d's filter on its new socket", k).isSameAs(filter);
      assertThat(poll(g.member(k))).isEqualTo(1);
    }
    assertThat(g.reopens()).isEqualTo(1);
    assertThat(reopened.get()).isEqualTo(1);
  }

  @Test
  void aWorkerThatDoesNotPollHasItsSocketClosedForItAfterAWhileAndTheInterfaceIsRetriedWithBackoff()
      throws Exception {
    FanoutGroup g = group(2);
    opened.get(0).broken = true;
    poll(g.member(0));
    refusals = 3;
    long start = clock.get();
    while (g.downReason() != null && clock.get() - start < TimeUnit.SECONDS.toNanos(30)) {
      poll(g.member(0)); // worker 1 is stuck: it never polls
    }
    assertThat(g.downReason()).isNull();
    assertThat(opened.get(1).closed).isTrue();
    assertThat(clock.get() - start).as("waited for worker 1, then backed off three refusals")
        .isGreaterThanOrEqualTo(FanoutGroup.RELEASE_WAIT_NANOS);
    assertThat(opened).hasSize(4);
    assertThat(poll(g.member(1))).isEqualTo(1);
  }
}
