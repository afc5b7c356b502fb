package io.lvsoperator.api.v1alpha1;

/** Transport protocol of a virtual service. */
public enum Protocol {
  TCP(6),
  UDP(17);

  private final int ipProtocolNumber;

  Protocol(int ipProtocolNumber) {
    this.ipProtocolNumber = ipProtocolNumber;
  }

  /** The IPv4 header's protocol field for this protocol. */
  public int ipProtocolNumber() {
    return ipProtocolNumber;
  }
}
