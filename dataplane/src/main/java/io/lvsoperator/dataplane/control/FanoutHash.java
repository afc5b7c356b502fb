package io.lvsoperator.dataplane.control;

/**
 * Which engine worker a connection belongs to: a hash of its client's address and, for TCP, its
 * client's port, modulo the number of workers. {@link FanoutProgram} computes the same hash in the
 * kernel, from the client's side of each frame (the source of a frame to a VIP, the destination
 * of a NAT reply), so both directions of a connection reach the worker that holds it
 * (docs/architecture.md, "Workers").
 */
public final class FanoutHash {
  /** Knuth's multiplicative constant (2^32 / golden ratio): spreads nearby addresses and ports. */
  static final int MULTIPLIER = 0x9e3779b1;

  private FanoutHash() {}

  /** The hash of a client's address and port (0 for a protocol hashed by address only), as the program computes it. */
  public static int of(int address, int port) {
    int h = address ^ (address >>> 16) ^ port;
    return (h * MULTIPLIER) >>> 16;
  }

  /** The worker, of {@code workers}, that a client's connection belongs to: what the kernel makes of {@link #of}. */
  public static int worker(int address, int port, int workers) {
    return Integer.remainderUnsigned(of(address, port), workers);
  }
}
