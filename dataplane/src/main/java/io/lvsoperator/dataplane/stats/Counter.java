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
  /** ARP senders not learnt: the table (or the quarter for unsolicited entries) is full. */
  NEIGHBOURS_NOT_LEARNED,
  /** ARP offers of another MAC for a neighbour that were not taken (locktime, or a confirmed next hop). */
  NEIGHBOUR_UPDATES_REFUSED,
  ICMP_ECHO_REPLIES_SENT,
  ICMP_FRAG_NEEDED_SENT,
  /** ICMP errors about a connection passed to its real server or, translated, to its client. */
  ICMP_ERRORS_FORWARDED,
  FORWARDED_DR,
  FORWARDED_NAT,
  FORWARDED_TUN,
  FORWARDED_FULLNAT,
  /** GSO/GRO super-frames received (each stands for several packets) and handed on whole. */
  GSO_FRAMES,
  /** Packets cut from super-frames in software (TUN: the kernel cannot segment IP-in-IP from us). */
  GSO_SEGMENTED,
  NAT_REPLIES,
  FULLNAT_REPLIES,
  CONNECTIONS_CREATED,
  CONNECTIONS_EXPIRED,
  CONNECTIONS_EVICTED,
  /** Evicted entries whose flows had shown they were real: connections lost to a full table. */
  CONFIRMED_CONNECTIONS_EVICTED,
  PERSISTENCE_HITS,
  /** TCP packets of a flow this director has no entry for, scheduled by hash and adopted (a failover). */
  CONNECTIONS_ADOPTED,
  VRRP_ADVERTISEMENTS_SENT,
  /** Advertisements of a configured peer, accepted. */
  VRRP_ADVERTISEMENTS_RECEIVED,
  /** IPVS sync messages sent to the other directors, and the connection entries they carried. */
  SYNC_MESSAGES_SENT,
  SYNC_ENTRIES_SENT,
  /** Entries not sent at once: over the sync's bandwidth bound (sent with the flow's next packet). */
  SYNC_ENTRIES_DROPPED,
  /** Sync messages of a configured peer, accepted; and the entries installed from them. */
  SYNC_MESSAGES_RECEIVED,
  SYNC_ENTRIES_INSTALLED,
  /** Addresses this director started or stopped announcing (its peers' liveness, its own state, the orders). */
  ANNOUNCEMENT_CHANGES,
  /** Frames not meant for the dataplane (the node's own traffic): left to the kernel, no drop. */
  IGNORED;

  private final String metricName = name().toLowerCase(java.util.Locale.ROOT);

  public String metricName() {
    return metricName;
  }
}
