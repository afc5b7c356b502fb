package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.io.PacketPort;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine thread: polls frames in batches and runs the timers between batches. A second,
 * tiny thread wakes a poll that would otherwise block while the wire is silent (pcap dispatch can
 * ignore its read timeout), so timers run at least every {@link #TICK_MILLIS}. The thread never
 * ends on an error: a failing port is the {@link io.lvsoperator.dataplane.io.ReopeningPort}'s to
 * recover, and an unexpected exception is counted and logged (at most every few seconds) while
 * forwarding goes on. Each turn of the loop is stamped, so liveness can tell a stuck loop.
 */
public final class EngineLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
  static final int BATCH = 64;
  static final long TICK_MILLIS = 50;
  private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Engine engine;
  private final PacketPort port;
  private final Thread worker;
  private final Thread waker;
  private volatile boolean running = true;
  private volatile long lastTurnNanos = System.nanoTime();
  private volatile long errors;
  private long errorLoggedAt;

  public EngineLoop(Engine engine, PacketPort port, String interfaceName) {
    this.engine = engine;
    this.port = port;
    this.worker = new Thread(this::run, "engine-" + interfaceName);
    this.waker = new Thread(this::wake, "engine-waker-" + interfaceName);
    worker.setDaemon(true);
    waker.setDaemon(true);
  }

  public void start() {
    worker.start();
    waker.start();
  }

  private void run() {
    long nextTick = 0;
    while (running) {
      try {
        long now = System.nanoTime();
        lastTurnNanos = now;
        // timers first: a loop that was frozen decides what it announces before it answers the
        // ARP requests that queued up meanwhile
        if (now - nextTick >= 0) {
          engine.tick();
          nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        }
        engine.exchange(); // what the other workers sent: a parked frame's neighbour, sync
        port.poll(engine, BATCH);
        lastTurnNanos = System.nanoTime();
        port.flush();
      } catch (RuntimeException e) {
        unexpected(e);
      }
    }
  }

  private void unexpected(RuntimeException e) {
    errors = errors + 1;
    long now = System.nanoTime();
    if (errors == 1 || now - errorLoggedAt >= ERROR_LOG_INTERVAL_NANOS) {
      errorLoggedAt = now;
      LOG.error("engine loop: unexpected error ({} so far); forwarding goes on", errors, e);
    }
  }

  /** Unexpected errors the loop survived (a bug if ever non-zero). */
  public long errors() {
    return errors;
  }

  /** Nanoseconds ({@link System#nanoTime}) since the loop last turned. */
  public long sinceLastTurnNanos() {
    return System.nanoTime() - lastTurnNanos;
  }

  private void wake() {
    while (running) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      port.wakeup();
    }
  }

  public boolean running() {
    return running && worker.isAlive();
  }

  @Override
  public void close() {
    running = false;
    waker.interrupt();
    port.wakeup();
    try {
      worker.join(2000);
      waker.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
