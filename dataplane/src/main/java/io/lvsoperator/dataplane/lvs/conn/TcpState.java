package io.lvsoperator.dataplane.lvs.conn;

/** IPVS's TCP connection states, as ipvsadm -lc shows them. */
public enum TcpState {
  NONE,
  ESTABLISHED,
  SYN_SENT,
  SYN_RECV,
  FIN_WAIT,
  TIME_WAIT,
  CLOSE,
  CLOSE_WAIT,
  LAST_ACK;

  private static final TcpState[] VALUES = values();

  public static TcpState of(int ordinal) {
    return VALUES[ordinal];
  }
}
