package io.lvsoperator.dataplane.io;

import java.util.concurrent.TimeUnit;

/**
 * When failed packet I/O is tried again: 100 ms after the failure, then doubling up to 5 s between
 * attempts; which refusals are worth a log line (the first, then one a minute). Shared by {@link
 * ReopeningPort} and {@link FanoutGroup}; one thread drives it.
 */
final class ReopenSchedule {
  static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** At the longest backoff, one refusal in this many is logged: one a minute. */
  private static final int LOGGED_EVERY = 12;

  private long backoff = FIRST_BACKOFF_NANOS;
  private long retryAt;
  private long downSince;
  private int attempts;

  /** The I/O failed at {@code now}: the first attempt comes one first backoff later. */
  void failed(long now) {
    downSince = now;
    backoff = FIRST_BACKOFF_NANOS;
    retryAt = now + backoff;
    attempts = 0;
  }

  /** How long until the next attempt; 0 or less when it is due. */
  long untilDue(long now) {
    return retryAt - now;
  }

  /** An attempt starts. */
  void attempt() {
    attempts++;
  }

  /** The attempt was refused at {@code now}; true when that is worth a log line. */
  boolean refused(long now) {
    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    retryAt = now + backoff;
    return attempts == 1 || backoff == MAX_BACKOFF_NANOS && attempts % LOGGED_EVERY == 0;
  }

  int attempts() {
    return attempts;
  }

  long downMillis(long now) {
    return TimeUnit.NANOSECONDS.toMillis(now - downSince);
  }
}
