package io.lvsoperator.dataplane.stats;

/** Why the engine dropped a frame; each reason has its own counter (MetalLB/Katran style). */
public enum DropReason {
  MALFORMED,
  BAD_IP_CHECKSUM,
  /** Checked on the first packet of a connection only: typically a sender with checksum offload. */
  BAD_L4_CHECKSUM,
  IP_FRAGMENT,
  UNSUPPORTED_PROTOCOL,
  NO_SERVICE,
  NO_CONNECTION,
  NO_DESTINATION,
  /** FULLNAT: no port of the local range is free towards that real server (raise the range, add real servers). */
  FULLNAT_PORTS_EXHAUSTED,
  NO_ROUTE,
  NEIGHBOUR_QUEUE_FULL,
  NEIGHBOUR_UNRESOLVED,
  /** A GSO/GRO super-frame whose next hop's MAC is not known yet: too big to park; its sender retransmits. */
  GSO_NOT_PARKED,
  /** An ARP frame whose sender MAC is multicast, broadcast or zero. */
  BAD_ARP_SENDER,
  TTL_EXPIRED,
  TOO_BIG,
  TO_DIRECTOR,
  /** A VRRP packet that is no intact advertisement (version, type, length, checksum). */
  VRRP_MALFORMED,
  /** A VRRP advertisement from an address or router ID no configured peer has. */
  VRRP_UNKNOWN_SENDER,
  /** A VRRP advertisement with a TTL other than 255: sent from beyond the link. */
  VRRP_BAD_TTL,
  /** A sync message that is no intact IPVS sync message, version 1. */
  SYNC_MALFORMED,
  /** A sync message from an address no configured peer has. */
  SYNC_UNKNOWN_SENDER,
  /** A synced entry for a service or real server this director does not have (counted per entry). */
  SYNC_UNKNOWN_SERVICE;

  private final String label = name().toLowerCase(java.util.Locale.ROOT);

  public String label() {
    return label;
  }
}
