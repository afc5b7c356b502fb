package io.lvsoperator.dataplane.stats;

/** Engine events counted at a fixed slot (Katran style); exported as Prometheus counters. */
public enum Counter {
  RX_FRAMES,
  RX_BYTES,
  TX_FRAMES,
  TX_BYTES,
  TX_ERRORS,
  ARP_REQUESTS_RECEIVED,
  ARP_REPLIES_RECEIVED,
  ARP_REPLIES_SENT,
  ARP_REQUESTS_SENT,
  GRATUITOUS_ARP_SENT,
  NEIGHBOURS_LEARNED,
  ICMP_ECHO_REPLIES_SENT,
  ICMP_FRAG_NEEDED_SENT,
  FORWARDED_DR,
  FORWARDED_NAT,
  FORWARDED_TUN,
  NAT_REPLIES,
  CONNECTIONS_CREATED,
  CONNECTIONS_EXPIRED,
  CONNECTIONS_EVICTED,
  PERSISTENCE_HITS,
  /** Frames not meant for the dataplane (the node's own traffic): left to the kernel, no drop. */
  IGNORED;

  private final String metricName = name().toLowerCase(java.util.Locale.ROOT);

  public String metricName() {
    return metricName;
  }
}
