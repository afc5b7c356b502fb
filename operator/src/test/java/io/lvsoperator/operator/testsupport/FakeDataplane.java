package io.lvsoperator.operator.testsupport;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A dataplane of the current contract as the operator sees it: a Lease renewed every 200 ms
 * (2 s duration), a Director it created, and a status that follows the shared configuration's
 * generation while it applies (off: the configuration waits, as on a slow director).
 */
public final class FakeDataplane implements AutoCloseable {
  static final int LEASE_SECONDS = 2;

  private final KubernetesClient client;
  private final String node;
  private final String namespace;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean applying;
  private volatile boolean ready = true;
  private volatile List<ServiceHealth> unhealthy = List.of();
  private volatile String address;
  private volatile List<String> announced;
  private Long applied;
  private DirectorStatus written;

  FakeDataplane(KubernetesClient client, String node, String namespace, boolean applying) {
    this.client = client;
    this.node = node;
    this.namespace = namespace;
    this.applying = applying;
    timer.scheduleWithFixedDelay(this::tick, 0, 200, TimeUnit.MILLISECONDS);
  }

  public void applying(boolean on) {
    applying = on;
  }

  public void ready(boolean on) {
    ready = on;
  }

  /** The address it says it speaks from (status.address); none by default. */
  public void address(String a) {
    address = a;
  }

  /** The addresses it says it announces (status.announced), as a dataplane deciding with its peers. */
  public void announced(List<String> addresses) {
    announced = addresses == null ? null : List.copyOf(addresses);
  }

  /** What its health checks find: services with failing real servers (only those). */
  public void unhealthy(List<ServiceHealth> services) {
    unhealthy = List.copyOf(services);
  }

  private synchronized void tick() {
    try {
      renew();
      if (applying) {
        DirectorConfig head = client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get();
        if (head != null && head.getSpec() != null) {
          applied = head.getSpec().generation();
        }
      }
      report();
    } catch (RuntimeException e) {
      // the API server is going away at the end of a test
    }
  }

  private void renew() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    var leases = client.leases().inNamespace(namespace);
    Lease lease = leases.withName(DirectorLeases.name(node)).get();
    if (lease == null) {
      lease = new Lease();
      lease.setMetadata(new ObjectMetaBuilder().withName(DirectorLeases.name(node)).withNamespace(namespace)
          .addToLabels(DirectorLeases.NODE_LABEL, node).build());
      lease.setSpec(new LeaseSpec());
      lease.getSpec().setHolderIdentity(node);
      lease.getSpec().setLeaseDurationSeconds(LEASE_SECONDS);
      lease.getSpec().setRenewTime(now);
      leases.resource(lease).create();
    } else {
      lease.getSpec().setRenewTime(now);
      leases.resource(lease).update();
    }
  }

  private void report() {
    DirectorStatus s = new DirectorStatus();
    s.setAppliedGeneration(applied);
    s.setInterfaceName("eth0");
    s.setMac("02:00:00:00:00:01");
    s.setAddress(address);
    s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? "Forwarding" : "LinkDown").withMessage("fake").withLastTransitionTime("2026-01-01T00:00:00Z")
        .build()));
    s.setServices(unhealthy);
    s.setAnnounced(announced);
    if (written != null && same(written, s)) {
      return; // as the real dataplane: written on change only
    }
    Director d = client.resources(Director.class).withName(node).get();
    if (d == null) {
      d = new Director();
      d.setMetadata(new ObjectMetaBuilder().withName(node).addToLabels(DirectorLeases.NODE_LABEL, node)
          .addToLabels("app.kubernetes.io/managed-by", "lvs-dataplane").build());
      d = client.resources(Director.class).resource(d).create();
    }
    d.setStatus(s);
    client.resources(Director.class).resource(d).updateStatus();
    written = s;
  }

  private static boolean same(DirectorStatus a, DirectorStatus b) {
    return java.util.Objects.equals(a.getAppliedGeneration(), b.getAppliedGeneration())
        && a.getConditions().get(0).getStatus().equals(b.getConditions().get(0).getStatus())
        && a.getServices().equals(b.getServices()) && java.util.Objects.equals(a.getAddress(), b.getAddress())
        && java.util.Objects.equals(a.getAnnounced(), b.getAnnounced());
  }

  /** Stops renewing its Lease and reporting, as a dataplane killed with SIGKILL. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
