package io.lvsoperator.dataplane.admin;

import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.InterfaceWatcher;
import io.lvsoperator.dataplane.engine.EngineLoop;
import io.lvsoperator.dataplane.io.PortHealth;
import io.lvsoperator.dataplane.peer.Candidacy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The director's health from its parts. Live while every engine worker's loop turns (a link that is down
 * is not a reason to restart: the port reopens by itself); ready when it is live, has a
 * configuration, its link and packet port work, and it is not still listening to its peers
 * before it may announce (docs/architecture.md, "Director liveness"): a rolling update that
 * waits for readiness never stops the next director before this one can take over.
 */
public final class EngineHealth implements DirectorHealth {
  /** Far above any turn of the loop (a poll waits at most 10 ms, a tick a few). */
  static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<EngineLoop> loops;
  private final PortHealth port;
  private final InterfaceWatcher watcher;
  private final Supplier<ForwardingTable> tables;
  private final IntSupplier priority;

  /**
   * @param loops the loop of every engine worker
   * @param priority what the director advertises to its peers now, -1 without failover
   */
  public EngineHealth(List<EngineLoop> loops, PortHealth port, InterfaceWatcher watcher,
      Supplier<ForwardingTable> tables, IntSupplier priority) {
    this.loops = List.copyOf(loops);
    this.port = port;
    this.watcher = watcher;
    this.tables = tables;
    this.priority = priority;
  }

  @Override
  public String notLive() {
    for (int k = 0; k < loops.size(); k++) {
      EngineLoop loop = loops.get(k);
      String which = loops.size() == 1 ? "engine" : "engine worker " + k;
      if (!loop.running()) {
        return which + " stopped (see the log)";
      }
      long stuck = loop.sinceLastTurnNanos();
      if (stuck > STUCK_NANOS) {
        return which + " loop stuck for " + TimeUnit.NANOSECONDS.toSeconds(stuck) + " s";
      }
    }
    return null;
  }

  /**
   * Null while the pod may take traffic over (readiness): forwarding, and past listening to its
   * peers; else why not.
   */
  @Override
  public String notReady() {
    String problem = notForwarding();
    if (problem != null) {
      return problem;
    }
    return priority.getAsInt() == Candidacy.WARMING_UP ? "listening to its peers before it may announce" : null;
  }

  /** Null while it forwards with a configuration (the Director's Ready); else why not. */
  public String notForwarding() {
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
