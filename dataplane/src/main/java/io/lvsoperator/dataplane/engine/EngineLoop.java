package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.io.PacketPort;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine thread: polls frames in batches and runs the timers between batches. A second,
 * tiny thread wakes a poll that would otherwise block while the wire is silent (pcap dispatch can
 * ignore its read timeout), so timers run at least every {@link #TICK_MILLIS}.
 */
public final class EngineLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
  static final int BATCH = 64;
  static final long TICK_MILLIS = 50;

  private final Engine engine;
  private final PacketPort port;
  private final Thread worker;
  private final Thread waker;
  private volatile boolean running = true;

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
    try {
      while (running) {
        port.poll(engine, BATCH);
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          engine.tick();
          nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        }
        port.flush();
      }
    } catch (RuntimeException e) {
      LOG.error("engine stopped on an unexpected error", e);
      running = false;
    }
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
