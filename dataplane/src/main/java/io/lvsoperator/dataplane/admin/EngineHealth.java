package io.lvsoperator.dataplane.admin;

import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.InterfaceWatcher;
import io.lvsoperator.dataplane.engine.EngineLoop;
import io.lvsoperator.dataplane.io.ReopeningPort;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The director's health from its parts. Live while the engine loop turns (a link that is down
 * is not a reason to restart: the port reopens by itself); ready when it is live, has a
 * configuration, and its link and packet port work.
 */
public final class EngineHealth implements DirectorHealth {
  /** Far above any turn of the loop (a poll waits at most 10 ms, a tick a few). */
  static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EngineLoop loop;
  private final ReopeningPort port;
  private final InterfaceWatcher watcher;
  private final Supplier<ForwardingTable> tables;

  public EngineHealth(EngineLoop loop, ReopeningPort port, InterfaceWatcher watcher,
      Supplier<ForwardingTable> tables) {
    this.loop = loop;
    this.port = port;
    this.watcher = watcher;
    this.tables = tables;
  }

  @Override
  public String notLive() {
    if (!loop.running()) {
      return "engine stopped (see the log)";
    }
    long stuck = loop.sinceLastTurnNanos();
    return stuck > STUCK_NANOS ? "engine loop stuck for " + TimeUnit.NANOSECONDS.toSeconds(stuck) + " s" : null;
  }

  @Override
  public String notReady() {
    String dead = notLive();
    if (dead != null) {
      return dead;
    }
    String link = watcher.linkProblem();
    if (link != null) {
      return link;
    }
    String io = port.downReason();
    if (io != null) {
      return "packet I/O down: " + io;
    }
    return tables.get() == null ? "no configuration applied yet" : null;
  }
}
