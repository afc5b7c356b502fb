package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import java.util.List;

/**
 * The engine workers of one director, seen as one (docs/architecture.md, "Workers"): counters
 * and connections summed, the rest as worker 0 (which runs ARP and the announcer) has it. What
 * the metrics, the state view and the shutdown read and call.
 */
public final class Engines {
  private final List<Engine> all;

  public Engines(List<Engine> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no engine");
    }
    this.all = List.copyOf(all);
  }

  public static Engines of(Engine engine) {
    return new Engines(List.of(engine));
  }

  public List<Engine> all() {
    return all;
  }

  /** Worker 0. */
  public Engine first() {
    return all.get(0);
  }

  public int size() {
    return all.size();
  }

  public long count(Counter c) {
    long n = 0;
    for (Engine e : all) {
      n += e.counters().get(c);
    }
    return n;
  }

  public long drops(DropReason r) {
    long n = 0;
    for (Engine e : all) {
      n += e.counters().drops(r);
    }
    return n;
  }

  /** Messages between the workers refused because a mailbox was full (see {@link Workers}). */
  public long messagesRefused() {
    return first().workers().refused();
  }

  public long droppedByCapture() {
    long n = 0;
    for (Engine e : all) {
      n += e.droppedByCapture();
    }
    return n;
  }

  /** Entries in every worker's table. */
  public int connections() {
    int n = 0;
    for (Engine e : all) {
      n += e.connections().size();
    }
    return n;
  }

  public int capacity() {
    int n = 0;
    for (Engine e : all) {
      n += e.connections().capacity();
    }
    return n;
  }

  /** Worker 0's snapshot, with every worker's connections. */
  public EngineSnapshot snapshot() {
    EngineSnapshot first = all.get(0).snapshot();
    if (all.size() == 1) {
      return first;
    }
    int connections = 0;
    int unconfirmed = 0;
    for (Engine e : all) {
      EngineSnapshot s = e.snapshot();
      connections += s.connections();
      unconfirmed += s.unconfirmed();
    }
    return new EngineSnapshot(first.generation(), connections, unconfirmed, first.neighbours(), first.announced(),
        first.announcedSet(), first.priority());
  }

  /** See {@link Engine#resign}. */
  public void resign() {
    first().resign();
  }

  public boolean handedOver() {
    return first().handedOver();
  }

  public void requestReannounce() {
    first().requestReannounce();
  }
}
