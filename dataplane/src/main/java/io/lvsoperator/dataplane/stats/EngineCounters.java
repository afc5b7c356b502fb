package io.lvsoperator.dataplane.stats;

/**
 * One long per {@link Counter} and per {@link DropReason}. The engine thread is the only writer;
 * metrics read the slots from other threads and may see a value a moment old.
 */
public final class EngineCounters {
  private final long[] counts = new long[Counter.values().length];
  private final long[] drops = new long[DropReason.values().length];

  public void add(Counter c, long n) {
    counts[c.ordinal()] += n;
  }

  public void inc(Counter c) {
    counts[c.ordinal()]++;
  }

  public void drop(DropReason r) {
    drops[r.ordinal()]++;
  }

  public long get(Counter c) {
    return counts[c.ordinal()];
  }

  public long drops(DropReason r) {
    return drops[r.ordinal()];
  }

  public long totalDrops() {
    long sum = 0;
    for (long d : drops) {
      sum += d;
    }
    return sum;
  }
}
