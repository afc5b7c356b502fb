package io.lvsoperator.dataplane.io;

/** How a director's packet I/O fares: a {@link ReopeningPort}, or the {@link FanoutGroup} of its workers. */
public interface PortHealth {
  /** Null while it works, else why it does not (for /healthz). */
  String downReason();

  /** Times it failed. */
  long failures();

  /** Times it was opened again after a failure. */
  long reopens();
}
