package io.lvsoperator.dataplane.lvs.sched;

/**
 * Integer mixing for the hashing schedulers and full-NAT's first local port: the murmur3
 * finalizer, same on every director.
 */
public final class Hashing {
  private Hashing() {}

  public static int mix(int h) {
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
