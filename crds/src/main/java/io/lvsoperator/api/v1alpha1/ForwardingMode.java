package io.lvsoperator.api.v1alpha1;

/** How the director hands a packet to the real server (LVS forwarding methods). */
public enum ForwardingMode {
  /** Direct routing: only the destination MAC is rewritten; the real server answers the client. */
  DR,
  /** VIP:port rewritten to RIP:port, replies rewritten back; the real server's gateway is the DIP. */
  NAT,
  /** IP-in-IP to the RIP; the real server unwraps and answers the client directly. */
  TUN,
  /**
   * Full-NAT: VIP:port rewritten to RIP:port and the client's address and port to the
   * director's own address and a port it picks, so replies come back to the director on any
   * network (DPVS's FNAT); the real server sees the director as its client.
   */
  FULLNAT;

  /** NAT and FULLNAT see both directions and may change the port; DR and TUN see only requests. */
  public boolean translates() {
    return this == NAT || this == FULLNAT;
  }
}
