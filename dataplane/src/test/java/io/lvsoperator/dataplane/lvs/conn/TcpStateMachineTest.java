package io.lvsoperator.dataplane.lvs.conn;

import static io.lvsoperator.dataplane.codec.Transport.TCP_ACK;
import static io.lvsoperator.dataplane.codec.Transport.TCP_FIN;
import static io.lvsoperator.dataplane.codec.Transport.TCP_RST;
import static io.lvsoperator.dataplane.codec.Transport.TCP_SYN;
import static io.lvsoperator.dataplane.lvs.conn.TcpStateMachine.DIR_INPUT;
import static io.lvsoperator.dataplane.lvs.conn.TcpStateMachine.DIR_INPUT_ONLY;
import static io.lvsoperator.dataplane.lvs.conn.TcpStateMachine.DIR_OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpStateMachineTest {
  static final int PSH = 0x08;

  /** Feeds segments, each {direction, flags}, from NONE; returns the states after each. */
  static TcpState[] run(int[]... segments) {
    TcpState s = TcpState.NONE;
    TcpState[] out = new TcpState[segments.length];
    for (int i = 0; i < segments.length; i++) {
      s = TcpStateMachine.next(segments[i][0], s, segments[i][1]);
      out[i] = s;
    }
    return out;
  }

  @Test
  void directRoutingSeesOnlyTheClient() {
    assertThat(run(
        new int[] {DIR_INPUT_ONLY, TCP_SYN},
        new int[] {DIR_INPUT_ONLY, TCP_ACK},
        new int[] {DIR_INPUT_ONLY, TCP_ACK | PSH},
        new int[] {DIR_INPUT_ONLY, TCP_FIN | TCP_ACK},
        new int[] {DIR_INPUT_ONLY, TCP_ACK}))
        .containsExactly(
            TcpState.SYN_RECV, TcpState.ESTABLISHED, TcpState.ESTABLISHED, TcpState.FIN_WAIT, TcpState.FIN_WAIT);
  }

  @Test
  void natClientClosesFirst() {
    assertThat(run(
        new int[] {DIR_INPUT, TCP_SYN},
        new int[] {DIR_OUTPUT, TCP_SYN | TCP_ACK},
        new int[] {DIR_INPUT, TCP_ACK},
        new int[] {DIR_OUTPUT, TCP_ACK | PSH},
        new int[] {DIR_INPUT, TCP_FIN | TCP_ACK},
        new int[] {DIR_OUTPUT, TCP_ACK},
        new int[] {DIR_OUTPUT, TCP_FIN | TCP_ACK},
        new int[] {DIR_INPUT, TCP_ACK}))
        .containsExactly(
            TcpState.SYN_RECV, TcpState.SYN_RECV, TcpState.ESTABLISHED, TcpState.ESTABLISHED,
            TcpState.FIN_WAIT, TcpState.FIN_WAIT, TcpState.TIME_WAIT, TcpState.TIME_WAIT);
  }

  @Test
  void natServerClosesFirst() {
    assertThat(run(
        new int[] {DIR_INPUT, TCP_SYN},
        new int[] {DIR_OUTPUT, TCP_SYN | TCP_ACK},
        new int[] {DIR_INPUT, TCP_ACK},
        new int[] {DIR_OUTPUT, TCP_FIN | TCP_ACK},
        new int[] {DIR_INPUT, TCP_ACK},
        new int[] {DIR_INPUT, TCP_FIN | TCP_ACK},
        new int[] {DIR_OUTPUT, TCP_ACK}))
        .containsExactly(
            TcpState.SYN_RECV, TcpState.SYN_RECV, TcpState.ESTABLISHED, TcpState.CLOSE_WAIT,
            TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.LAST_ACK);
  }

  @Test
  void outputFinOnEstablishedIsCloseWait() {
    assertThat(TcpStateMachine.next(DIR_OUTPUT, TcpState.ESTABLISHED, TCP_FIN)).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(TcpStateMachine.next(DIR_OUTPUT, TcpState.ESTABLISHED, TCP_FIN | TCP_ACK)).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(TcpStateMachine.next(DIR_OUTPUT, TcpState.FIN_WAIT, TCP_FIN)).isEqualTo(TcpState.TIME_WAIT);
    assertThat(TcpStateMachine.next(DIR_INPUT, TcpState.CLOSE_WAIT, TCP_FIN)).isEqualTo(TcpState.LAST_ACK);
    assertThat(TcpStateMachine.next(DIR_INPUT, TcpState.LAST_ACK, TCP_ACK)).isEqualTo(TcpState.CLOSE);
  }

  @Test
  void rstClosesFromEveryStateInEveryDirection() {
    for (int dir : new int[] {DIR_INPUT, DIR_OUTPUT, DIR_INPUT_ONLY}) {
      for (TcpState s : TcpState.values()) {
        assertThat(TcpStateMachine.next(dir, s, TCP_RST)).as("dir %d from %s", dir, s).isEqualTo(TcpState.CLOSE);
        assertThat(TcpStateMachine.next(dir, s, TCP_RST | TCP_ACK)).isEqualTo(TcpState.CLOSE);
        assertThat(TcpStateMachine.next(dir, s, TCP_RST | TCP_SYN | TCP_FIN)).as("RST wins").isEqualTo(TcpState.CLOSE);
      }
    }
  }

  @Test
  void synWinsOverFinAndFinOverAck() {
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.NONE, TCP_SYN | TCP_FIN)).isEqualTo(TcpState.SYN_RECV);
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.ESTABLISHED, TCP_FIN | TCP_ACK))
        .isEqualTo(TcpState.FIN_WAIT);
  }

  @Test
  void segmentsWithoutControlFlagsKeepTheState() {
    for (int dir : new int[] {DIR_INPUT, DIR_OUTPUT, DIR_INPUT_ONLY}) {
      for (TcpState s : TcpState.values()) {
        assertThat(TcpStateMachine.next(dir, s, 0)).isEqualTo(s);
        assertThat(TcpStateMachine.next(dir, s, PSH)).isEqualTo(s);
      }
    }
  }

  @Test
  void aNewSynReopensAClosedOrTimeWaitConnection() {
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.TIME_WAIT, TCP_SYN)).isEqualTo(TcpState.SYN_RECV);
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.CLOSE, TCP_SYN)).isEqualTo(TcpState.SYN_RECV);
    assertThat(TcpStateMachine.next(DIR_INPUT, TcpState.CLOSE, TCP_SYN)).isEqualTo(TcpState.SYN_RECV);
  }

  @Test
  void retransmittedSynKeepsSynRecvAndAckOnEstablishedStays() {
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.SYN_RECV, TCP_SYN)).isEqualTo(TcpState.SYN_RECV);
    assertThat(TcpStateMachine.next(DIR_INPUT_ONLY, TcpState.ESTABLISHED, TCP_ACK)).isEqualTo(TcpState.ESTABLISHED);
    assertThat(TcpStateMachine.next(DIR_OUTPUT, TcpState.ESTABLISHED, TCP_ACK)).isEqualTo(TcpState.ESTABLISHED);
  }

  @Test
  void everyTransitionIsDefined() {
    for (int dir : new int[] {DIR_INPUT, DIR_OUTPUT, DIR_INPUT_ONLY}) {
      for (TcpState s : TcpState.values()) {
        for (int flags = 0; flags < 0x40; flags++) {
          assertThat(TcpStateMachine.next(dir, s, flags)).isNotNull();
        }
      }
    }
  }

  @Test
  void stateOrdinalsRoundTrip() {
    for (TcpState s : TcpState.values()) {
      assertThat(TcpState.of(s.ordinal())).isSameAs(s);
    }
  }
}
