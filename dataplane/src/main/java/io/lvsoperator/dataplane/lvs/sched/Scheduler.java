package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;

/**
 * Picks the real server for a new connection, as an IPVS scheduler does. One instance serves one
 * compiled service for every engine worker: one that keeps state between calls (rr, wrr) locks
 * it, as IPVS's take their service's lock; none allocates per call.
 */
public interface Scheduler {
  /**
   * @return the chosen destination, or null when none is available (all weight 0 or unhealthy)
   */
  Destination schedule(int clientIp, int clientPort);

  /**
   * True when every director with the same configuration picks the same destination for a client
   * (a hash of the client, no state): a flow that lost its entry (a failover, a restart) can then
   * be adopted where it lands, as IPVS's sloppy_tcp does.
   */
  default boolean consistent() {
    return false;
  }
}
