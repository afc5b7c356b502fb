package io.lvsoperator.dataplane.io;

/**
 * A port that was open stopped working (its interface went down or away, the socket broke). The
 * port is unusable afterwards; {@link ReopeningPort} replaces it.
 */
public final class PortFailedException extends RuntimeException {
  public PortFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
