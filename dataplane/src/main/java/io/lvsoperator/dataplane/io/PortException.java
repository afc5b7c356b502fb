package io.lvsoperator.dataplane.io;

/** A packet port could not be opened. */
public class PortException extends Exception {
  public PortException(String message, Throwable cause) {
    super(message, cause);
  }
}
