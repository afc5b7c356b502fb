package io.lvsoperator.dataplane.lvs.sched;

/** Integer mixing for the hashing schedulers: the murmur3 finalizer, same on every director. */
final class Hashing {
  private Hashing() {}

  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }

  /** A non-negative hash of a value under a seed. */
  static int hash(int value, int seed) {
    return mix(value ^ mix(seed)) & 0x7fffffff;
  }
}
