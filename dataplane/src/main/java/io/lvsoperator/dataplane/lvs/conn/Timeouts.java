package io.lvsoperator.dataplane.lvs.conn;

import io.lvsoperator.api.v1alpha1.ConnectionTableSpec;
import java.util.concurrent.TimeUnit;

/**
 * How long an idle connection lives in each TCP state, and a UDP flow: the IPVS defaults, with
 * ESTABLISHED, FIN_WAIT and UDP configurable as with {@code ipvsadm --set tcp tcpfin udp}.
 */
public final class Timeouts {
  private final long[] tcpNanos = new long[TcpState.values().length];
  private final long udpNanos;

  public Timeouts(ConnectionTableSpec spec) {
    set(TcpState.NONE, 2);
    set(TcpState.ESTABLISHED, spec.tcpTimeoutSeconds());
    set(TcpState.SYN_SENT, 120);
    set(TcpState.SYN_RECV, 60);
    set(TcpState.FIN_WAIT, spec.tcpFinTimeoutSeconds());
    set(TcpState.TIME_WAIT, 120);
    set(TcpState.CLOSE, 10);
    set(TcpState.CLOSE_WAIT, 60);
    set(TcpState.LAST_ACK, 30);
    udpNanos = TimeUnit.SECONDS.toNanos(spec.udpTimeoutSeconds());
  }

  private void set(TcpState s, long seconds) {
    tcpNanos[s.ordinal()] = TimeUnit.SECONDS.toNanos(seconds);
  }

  public long tcp(TcpState s) {
    return tcpNanos[s.ordinal()];
  }

  public long udp() {
    return udpNanos;
  }
}
