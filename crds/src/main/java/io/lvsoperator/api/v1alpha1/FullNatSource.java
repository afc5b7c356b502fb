package io.lvsoperator.api.v1alpha1;

/**
 * The source address a FULLNAT connection reaches its real server from, which is where the real
 * server's replies go (docs/architecture.md, "Full-NAT").
 */
public enum FullNatSource {
  /**
   * The VIP itself: replies go wherever the VIP is announced, so they follow the VIP to the
   * director that takes it over and a synced connection carries on. The real servers must route
   * the VIP to the directors, as clients do (LoxiLB's full-NAT does the same).
   */
  VIP,
  /**
   * The director's own address (the node's in a cluster): replies reach that director on any
   * network, and are lost when the VIP moves to another.
   */
  NODE
}
