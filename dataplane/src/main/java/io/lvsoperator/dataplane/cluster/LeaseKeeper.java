package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this director's Lease ({@link DirectorLeases}): creates it, then renews it every third
 * of its duration on a thread of its own, so a long configuration compile or a slow status write
 * never lets it lapse. An API server that cannot be reached is logged once per outage.
 */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final KubernetesClient client;
  private final String node;
  private final String namespace;
  private final Duration duration;
  private final Clock clock;
  private final NodeOwner owner;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "director-lease");
    t.setDaemon(true);
    return t;
  });
  private final int seconds;
  /** The Lease as our last write left it: a renewal is one update, read again only after a conflict. */
  private Lease held;
  private boolean failing;
  private volatile long renewals;

  /** @param duration whole seconds on the Lease (at least one); renewals every third of {@code duration} */
  public LeaseKeeper(KubernetesClient client, String node, String namespace, Duration duration, Clock clock) {
    this(client, node, namespace, duration, clock, new NodeOwner(client, node, clock));
  }

  LeaseKeeper(KubernetesClient client, String node, String namespace, Duration duration, Clock clock, NodeOwner owner) {
    this.client = client;
    this.owner = owner;
    this.node = node;
    this.namespace = namespace;
    this.duration = duration;
    this.seconds = (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    this.clock = clock;
  }

  public void start() {
    long every = Math.max(100, duration.toMillis() / 3);
    timer.scheduleWithFixedDelay(this::renew, 0, every, TimeUnit.MILLISECONDS);
  }

  public long renewals() {
    return renewals;
  }

  void renew() {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    try {
      var leases = client.leases().inNamespace(namespace);
      Lease current = held != null ? held : leases.withName(DirectorLeases.name(node)).get();
      if (current == null) {
        Lease lease = new Lease();
        lease.setMetadata(new ObjectMetaBuilder().withName(DirectorLeases.name(node)).withNamespace(namespace)
            .addToLabels(DirectorLeases.NODE_LABEL, node).addToLabels("app.kubernetes.io/managed-by", "lvs-dataplane")
            .build());
        LeaseSpec spec = new LeaseSpec();
        spec.setHolderIdentity(node);
        spec.setLeaseDurationSeconds(seconds);
        spec.setAcquireTime(now);
        spec.setRenewTime(now);
        spec.setLeaseTransitions(0);
        lease.setSpec(spec);
        owner.adopt(lease);
        held = leases.resource(lease).create();
        LOG.info("director {} holds its Lease {}/{} ({} s)", node, namespace, DirectorLeases.name(node), seconds);
      } else {
        LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
        if (!node.equals(spec.getHolderIdentity())) {
          spec.setAcquireTime(now);
          spec.setLeaseTransitions(spec.getLeaseTransitions() == null ? 1 : spec.getLeaseTransitions() + 1);
        }
        spec.setHolderIdentity(node);
        spec.setLeaseDurationSeconds(seconds);
        spec.setRenewTime(now);
        current.setSpec(spec);
        owner.adopt(current); // a Lease of an earlier version: the renewal gives it its owner
        held = leases.resource(current).update();
      }
      renewals++;
      if (failing) {
        LOG.info("director {}: Lease renewed again", node);
        failing = false;
      }
    } catch (RuntimeException e) {
      held = null; // a conflict, or a Lease that is gone: read it again next time
      if (!failing) {
        LOG.warn("director {}: cannot renew its Lease ({}); the operator will move its VIPs if this lasts {} s", node,
            e.getMessage(), seconds);
        failing = true;
      }
    }
  }

  /**
   * Stops renewing and gives the Lease back (deletes it), so that on a graceful stop the operator
   * moves this director's VIPs at once instead of after the Lease's duration.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
      if (renewals > 0) {
        client.leases().inNamespace(namespace).withName(DirectorLeases.name(node)).withTimeout(2, TimeUnit.SECONDS)
            .delete();
        LOG.info("director {} gave its Lease back", node);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("director {}: could not give its Lease back ({}); it lapses in {} s", node, e.getMessage(), seconds);
    }
  }
}
