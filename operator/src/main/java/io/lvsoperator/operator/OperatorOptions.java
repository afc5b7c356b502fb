package io.lvsoperator.operator;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorConfigSpec;
import io.lvsoperator.api.v1alpha1.FailoverSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.time.Duration;
import java.util.List;

/**
 * The operator's options, typed and defaulted in one place (command line flags, with the
 * environment variables the chart sets as defaults).
 *
 * @param interfaceName the dataplane interface written into the shared configuration
 * @param dataplaneSelector label selector of the dataplane pods (those without a Lease and the
 *     contract label run the previous version and get their own Director objects)
 * @param useServerSideApply patch status with server-side apply (real clusters); off for API
 *     servers that lack it (the fabric8 mock server answers 415)
 * @param servicesPerDirectorObject for dataplanes of the previous version: past this many services
 *     a node's configuration is split over several Director objects
 * @param dataplaneNamespace the only namespace whose dataplane pods make their nodes directors
 * @param reservedCidrs ranges no tenant address may lie in, beyond the nodes' own addresses and
 *     pod ranges: the Service range above all
 * @param maxPartBytes byte budget of one part of the shared configuration
 * @param standbys directors that follow the owner in each VIP's order
 * @param publishWindow changes this close together are written as one generation
 * @param advertisementIntervalMillis how often directors advertise to each other (dead after three)
 * @param holdSeconds how long a director that came back waits before it takes its addresses back
 * @param defaultLoadBalancer also serve Services of type LoadBalancer that name no loadBalancerClass
 */
public record OperatorOptions(
    String interfaceName, String dataplaneSelector, boolean leaderElection, String leaseNamespace,
    boolean useServerSideApply, String httpHost, int httpPort, int servicesPerDirectorObject,
    String dataplaneNamespace, List<Ipv4Prefix> reservedCidrs, int maxPartBytes, int standbys,
    Duration publishWindow, int advertisementIntervalMillis, int holdSeconds, boolean defaultLoadBalancer) {
  public OperatorOptions {
    reservedCidrs = List.copyOf(reservedCidrs);
    // every director would refuse the shared configuration: refuse it here, at start
    if (advertisementIntervalMillis < FailoverSpec.MIN_INTERVAL_MILLIS
        || advertisementIntervalMillis > FailoverSpec.MAX_INTERVAL_MILLIS) {
      throw new IllegalArgumentException("--advertisement-interval-ms " + advertisementIntervalMillis
          + " is not within " + FailoverSpec.MIN_INTERVAL_MILLIS + "-" + FailoverSpec.MAX_INTERVAL_MILLIS);
    }
    if (holdSeconds < 0 || holdSeconds > FailoverSpec.MAX_HOLD_SECONDS) {
      throw new IllegalArgumentException("--hold-seconds " + holdSeconds + " is not within 0-"
          + FailoverSpec.MAX_HOLD_SECONDS);
    }
  }

  /** The options with the directors' failover timing at its defaults. */
  public OperatorOptions(String interfaceName, String dataplaneSelector, boolean leaderElection, String leaseNamespace,
      boolean useServerSideApply, String httpHost, int httpPort, int servicesPerDirectorObject,
      String dataplaneNamespace, List<Ipv4Prefix> reservedCidrs, int maxPartBytes, int standbys,
      Duration publishWindow) {
    this(interfaceName, dataplaneSelector, leaderElection, leaseNamespace, useServerSideApply, httpHost, httpPort,
        servicesPerDirectorObject, dataplaneNamespace, reservedCidrs, maxPartBytes, standbys, publishWindow,
        DirectorConfigSpec.DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS, DirectorConfigSpec.DEFAULT_HOLD_SECONDS, false);
  }

  public static final int DEFAULT_SERVICES_PER_DIRECTOR_OBJECT = 2000;
  public static final String DEFAULT_DATAPLANE_SELECTOR = "app.kubernetes.io/name=lvs-dataplane";
  public static final String LEASE_NAME = "lvs-operator-leader";
  public static final String DEFAULT_DATAPLANE_NAMESPACE = "lvs-system";
  public static final int DEFAULT_STANDBYS = 2;
  public static final int DEFAULT_PUBLISH_WINDOW_MILLIS = 100;

  /** The options with every tunable of the shared configuration at its default. */
  public OperatorOptions(String interfaceName, String dataplaneSelector, boolean leaderElection, String leaseNamespace,
      boolean useServerSideApply, String httpHost, int httpPort, int servicesPerDirectorObject,
      String dataplaneNamespace, List<Ipv4Prefix> reservedCidrs) {
    this(interfaceName, dataplaneSelector, leaderElection, leaseNamespace, useServerSideApply, httpHost, httpPort,
        servicesPerDirectorObject, dataplaneNamespace, reservedCidrs, SharedConfig.DEFAULT_MAX_PART_BYTES,
        DEFAULT_STANDBYS, Duration.ofMillis(DEFAULT_PUBLISH_WINDOW_MILLIS));
  }
}
