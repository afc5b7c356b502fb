package io.lvsoperator.dataplane.io;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A packet port that survives its interface: when the port it holds fails (link down, interface
 * removed, socket error) it closes it and opens a new one, retrying with exponential backoff
 * until the interface is usable again, then tells its listener so that the director re-reads the
 * interface and re-announces its VIPs. The engine keeps this one object for its whole life.
 * Polling while down waits a little, so the engine loop's timers still run and nothing spins.
 * Called by the engine thread only, except {@link #wakeup}, {@link #state} and the counters.
 */
public final class ReopeningPort implements PacketPort, PortHealth {
  private static final Logger LOG = LoggerFactory.getLogger(ReopeningPort.class);
  static final long FIRST_BACKOFF_NANOS = ReopenSchedule.FIRST_BACKOFF_NANOS;
  static final long MAX_BACKOFF_NANOS = ReopenSchedule.MAX_BACKOFF_NANOS;
  /** The longest a poll waits while down: the engine loop's tick. */
  static final long DOWN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** Opens the port afresh; throws while the interface cannot be used. */
  @FunctionalInterface
  public interface Opener {
    PacketPort open() throws PortException;
  }

  /** Waits; a test passes one that only moves its clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final String interfaceName;
  private final Opener opener;
  private final Runnable onReopened;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private volatile PacketPort current;
  private volatile String downReason;
  private volatile boolean closed;
  private volatile long failures;
  private volatile long reopens;
  private volatile long retiredDrops;
  /** The filter every port opened gets (null: none). */
  private volatile ClassicBpf filter;
  private final ReopenSchedule schedule = new ReopenSchedule();

  /**
   * @param first the port already open
   * @param onReopened runs on the engine thread after each successful reopen
   */
  public ReopeningPort(String interfaceName, PacketPort first, Opener opener, Runnable onReopened, LongSupplier clock,
      Sleeper sleeper) {
    this.interfaceName = interfaceName;
    this.current = first;
    this.opener = opener;
    this.onReopened = onReopened;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public ReopeningPort(String interfaceName, PacketPort first, Opener opener, Runnable onReopened) {
    this(interfaceName, first, opener, onReopened, System::nanoTime, n -> TimeUnit.NANOSECONDS.sleep(n));
  }

  @Override
  public int poll(FrameHandler handler, int max) {
    PacketPort p = current;
    if (p == null) {
      retry();
      return 0;
    }
    try {
      return p.poll(handler, max);
    } catch (PortFailedException e) {
      fail(p, e.getMessage());
      return 0;
    }
  }

  private void fail(PacketPort p, String why) {
    failures = failures + 1;
    retiredDrops += p.droppedByCapture();
    current = null;
    p.close();
    downReason = why;
    schedule.failed(clock.getAsLong());
    LOG.warn("packet I/O on {} failed: {}; reopening with backoff", interfaceName, why);
  }

  private void retry() {
    if (closed) {
      return;
    }
    long now = clock.getAsLong();
    long wait = schedule.untilDue(now);
    if (wait > 0) {
      try {
        sleeper.sleep(Math.min(wait, DOWN_POLL_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    schedule.attempt();
    try {
      current = opener.open();
      current.filter(filter);
    } catch (PortException e) {
      downReason = e.getMessage();
      if (schedule.refused(now)) {
        LOG.warn("packet I/O on {} still down after {} attempts: {}", interfaceName, schedule.attempts(),
            e.getMessage());
      }
      return;
    }
    reopens = reopens + 1;
    downReason = null;
    LOG.info("packet I/O on {} reopened after {} attempts ({} ms down)", interfaceName, schedule.attempts(),
        schedule.downMillis(clock.getAsLong()));
    onReopened.run();
  }

  @Override
  public boolean send(byte[] frame, int length) {
    PacketPort p = current;
    return p != null && p.send(frame, length);
  }

  @Override
  public boolean send(byte[] frame, int length, Offload offload) {
    PacketPort p = current;
    return p != null && p.send(frame, length, offload);
  }

  /** Also the filter of every port opened later: while the port is down, taken for the next one. */
  @Override
  public boolean filter(ClassicBpf program) {
    filter = program;
    PacketPort p = current;
    return p == null || p.filter(program);
  }

  @Override
  public void flush() {
    PacketPort p = current;
    if (p != null) {
      p.flush();
    }
  }

  /**
   * False while the port is failed (until it is open again) or the interface is down (sysfs:
   * a capture does not always fail when the link goes, it just goes quiet). Reads two small
   * sysfs files: for timers, not per frame.
   */
  @Override
  public boolean linkUp() {
    return current != null && LinkState.problem(interfaceName) == null;
  }

  @Override
  public String downReason() {
    return downReason;
  }

  @Override
  public long failures() {
    return failures;
  }

  @Override
  public long reopens() {
    return reopens;
  }

  @Override
  public long droppedByCapture() {
    PacketPort p = current;
    return retiredDrops + (p == null ? 0 : p.droppedByCapture());
  }

  @Override
  public void wakeup() {
    PacketPort p = current;
    if (p != null) {
      p.wakeup();
    }
  }

  @Override
  public void close() {
    closed = true;
    PacketPort p = current;
    current = null;
    if (p != null) {
      p.close();
    }
  }
}
