package io.lvsoperator.dataplane.lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.ConnectionTableSpec;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
  static long seconds(long s) {
    return TimeUnit.SECONDS.toNanos(s);
  }

  @Test
  void defaultsAreIpvss() {
    Timeouts t = new Timeouts(ConnectionTableSpec.DEFAULTS);
    assertThat(t.tcp(TcpState.NONE)).isEqualTo(seconds(2));
    assertThat(t.tcp(TcpState.ESTABLISHED)).isEqualTo(seconds(900));
    assertThat(t.tcp(TcpState.SYN_SENT)).isEqualTo(seconds(120));
    assertThat(t.tcp(TcpState.SYN_RECV)).isEqualTo(seconds(60));
    assertThat(t.tcp(TcpState.FIN_WAIT)).isEqualTo(seconds(120));
    assertThat(t.tcp(TcpState.TIME_WAIT)).isEqualTo(seconds(120));
    assertThat(t.tcp(TcpState.CLOSE)).isEqualTo(seconds(10));
    assertThat(t.tcp(TcpState.CLOSE_WAIT)).isEqualTo(seconds(60));
    assertThat(t.tcp(TcpState.LAST_ACK)).isEqualTo(seconds(30));
    assertThat(t.udp()).isEqualTo(seconds(300));
  }

  @Test
  void ipvsadmSetOverridesEstablishedFinWaitAndUdpOnly() {
    Timeouts t = new Timeouts(new ConnectionTableSpec(null, 60, 5, 30));
    assertThat(t.tcp(TcpState.ESTABLISHED)).isEqualTo(seconds(60));
    assertThat(t.tcp(TcpState.FIN_WAIT)).isEqualTo(seconds(5));
    assertThat(t.udp()).isEqualTo(seconds(30));
    assertThat(t.tcp(TcpState.SYN_RECV)).isEqualTo(seconds(60));
    assertThat(t.tcp(TcpState.TIME_WAIT)).isEqualTo(seconds(120));
    assertThat(t.tcp(TcpState.CLOSE)).isEqualTo(seconds(10));
  }

  @Test
  void largeTimeoutsDoNotOverflow() {
    Timeouts t = new Timeouts(new ConnectionTableSpec(null, Integer.MAX_VALUE, null, Integer.MAX_VALUE));
    assertThat(t.tcp(TcpState.ESTABLISHED)).isEqualTo(Integer.MAX_VALUE * 1_000_000_000L);
    assertThat(t.udp()).isPositive();
  }

  @Test
  void everyStateHasATimeout() {
    Timeouts t = new Timeouts(ConnectionTableSpec.DEFAULTS);
    for (TcpState s : TcpState.values()) {
      assertThat(t.tcp(s)).as("%s", s).isPositive();
    }
  }
}
