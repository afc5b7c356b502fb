package io.lvsoperator.operator;

import io.lvsoperator.api.net.Ipv4Prefix;
import java.util.List;

/**
 * The operator's options, typed and defaulted in one place (command line flags, with the
 * environment variables the chart sets as defaults).
 *
 * @param interfaceName the dataplane interface written into every Director spec
 * @param dataplaneSelector label selector of the dataplane pods: their nodes are the directors
 * @param useServerSideApply patch status with server-side apply (real clusters); off for API
 *     servers that lack it (the fabric8 mock server answers 415)
 * @param servicesPerDirectorObject past this many services a director's configuration is split
 *     over several Director objects (2,000 services are about 630 KB, well under 1.5 MiB)
 * @param dataplaneNamespace the only namespace whose dataplane pods make their nodes directors
 * @param reservedCidrs ranges no tenant address may lie in, beyond the nodes' own addresses and
 *     pod ranges: the Service range above all
 */
public record OperatorOptions(
    String interfaceName, String dataplaneSelector, boolean leaderElection, String leaseNamespace,
    boolean useServerSideApply, String httpHost, int httpPort, int servicesPerDirectorObject,
    String dataplaneNamespace, List<Ipv4Prefix> reservedCidrs) {
  public OperatorOptions {
    reservedCidrs = List.copyOf(reservedCidrs);
  }

  public static final int DEFAULT_SERVICES_PER_DIRECTOR_OBJECT = 2000;
  public static final String DEFAULT_DATAPLANE_SELECTOR = "app.kubernetes.io/name=lvs-dataplane";
  public static final String LEASE_NAME = "lvs-operator-leader";
  public static final String DEFAULT_DATAPLANE_NAMESPACE = "lvs-system";
}
