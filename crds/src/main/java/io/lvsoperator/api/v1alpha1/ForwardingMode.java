package io.lvsoperator.api.v1alpha1;

/** How the director hands a packet to the real server (LVS forwarding methods). */
public enum ForwardingMode {
  /** Direct routing: only the destination MAC is rewritten; the real server answers the client. */
  DR,
  /** VIP:port rewritten to RIP:port, replies rewritten back; the real server's gateway is the DIP. */
  NAT,
  /** IP-in-IP to the RIP; the real server unwraps and answers the client directly. */
  TUN
}
