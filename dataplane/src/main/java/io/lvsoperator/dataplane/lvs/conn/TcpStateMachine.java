package io.lvsoperator.dataplane.lvs.conn;

import static io.lvsoperator.dataplane.lvs.conn.TcpState.*;

import io.lvsoperator.dataplane.codec.Transport;

/**
 * TCP state transitions as data, in the manner of IPVS's state tables: one table per direction,
 * indexed by event (RST, SYN, FIN, ACK) and current state. DR and TUN see only the client's side
 * of a connection, so they use the input-only table.
 */
public final class TcpStateMachine {
  public static final int DIR_INPUT = 0; // client -> real server, replies also seen (NAT)
  public static final int DIR_OUTPUT = 1; // real server -> client (NAT replies)
  public static final int DIR_INPUT_ONLY = 2; // client -> real server, replies bypass us (DR, TUN)

  private static final int EV_SYN = 0;
  private static final int EV_FIN = 1;
  private static final int EV_ACK = 2;
  private static final int EV_RST = 3;

  // columns follow TcpState order: NONE ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK
  private static final TcpState[][][] TABLE = {
    { // input
      /* syn */ {SYN_RECV, ESTABLISHED, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV},
      /* fin */ {CLOSE, FIN_WAIT, SYN_SENT, FIN_WAIT, FIN_WAIT, TIME_WAIT, CLOSE, LAST_ACK, LAST_ACK},
      /* ack */ {ESTABLISHED, ESTABLISHED, SYN_SENT, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, CLOSE},
      /* rst */ {CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE},
    },
    { // output
      /* syn */ {SYN_SENT, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK},
      /* fin */ {CLOSE, CLOSE_WAIT, SYN_SENT, FIN_WAIT, TIME_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK},
      /* ack */ {NONE, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK},
      /* rst */ {CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE},
    },
    { // input only
      /* syn */ {SYN_RECV, ESTABLISHED, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV, SYN_RECV},
      /* fin */ {CLOSE, FIN_WAIT, SYN_SENT, FIN_WAIT, FIN_WAIT, TIME_WAIT, CLOSE, LAST_ACK, LAST_ACK},
      /* ack */ {ESTABLISHED, ESTABLISHED, SYN_SENT, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, CLOSE},
      /* rst */ {CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE},
    },
  };

  private TcpStateMachine() {}

  /** The state after a segment with {@code flags} seen in {@code direction}. */
  public static TcpState next(int direction, TcpState current, int flags) {
    int event;
    if ((flags & Transport.TCP_RST) != 0) {
      event = EV_RST;
    } else if ((flags & Transport.TCP_SYN) != 0) {
      event = EV_SYN;
    } else if ((flags & Transport.TCP_FIN) != 0) {
      event = EV_FIN;
    } else if ((flags & Transport.TCP_ACK) != 0) {
      event = EV_ACK;
    } else {
      return current;
    }
    return TABLE[direction][event][current.ordinal()];
  }
}
