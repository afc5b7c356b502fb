package io.lvsoperator.operator.reconciler;

import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.directors.DirectorRegistry;
import io.lvsoperator.operator.publish.ConfigPublisher;
import io.lvsoperator.operator.publish.ServiceCatalog;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's cluster-wide half, started and stopped with the controller (so only the elected
 * leader writes): the directors' registry and the configuration publisher. It turns what they
 * report into reconciles of exactly the VirtualServices concerned: those the directors caught up
 * with, those whose VIP moved, those whose real servers' health changed, those waiting on a
 * freed claim. Never all of them for one event.
 */
final class ControlPlane extends SimpleInboundEventSource<VirtualService>
    implements DirectorRegistry.Listener, ConfigPublisher.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  private final DirectorRegistry registry;
  private final ConfigPublisher publisher;
  private final ServiceCatalog catalog;
  private final ProgrammingTracker tracker;
  private final Runnable sweep;
  private ScheduledExecutorService sweeper;

  /** @param sweep finds deleted VirtualServices; run every second */
  ControlPlane(DirectorRegistry registry, ConfigPublisher publisher, ServiceCatalog catalog,
      ProgrammingTracker tracker, Runnable sweep) {
    super("control-plane");
    this.registry = registry;
    this.publisher = publisher;
    this.catalog = catalog;
    this.tracker = tracker;
    this.sweep = sweep;
    registry.listen(this);
  }

  @Override
  public void start() throws OperatorException {
    registry.start();
    publisher.start();
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "deletion-sweep");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep.run();
      } catch (RuntimeException e) {
        LOG.error("deletion sweep failed; next one in a second", e);
      }
    }, 1, 1, TimeUnit.SECONDS);
    super.start();
  }

  @Override
  public void stop() throws OperatorException {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    publisher.close();
    registry.close();
    super.stop();
  }

  /** Reconciles these VirtualServices (namespace/name). */
  void reconcile(Collection<String> keys) {
    if (!isRunning()) {
      return;
    }
    for (String key : keys) {
      int slash = key.indexOf('/');
      propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
    }
  }

  @Override
  public void liveChanged(Set<String> before, Set<String> now) {
    publisher.changed(); // orders follow the live directors
    Set<String> flipped = new TreeSet<>(before);
    flipped.addAll(now);
    Set<String> both = new TreeSet<>(before);
    both.retainAll(now);
    flipped.removeAll(both);
    // a director that left or came back changes Ready of what it announces, even if nothing moves
    reconcile(catalog.usersOf(publisher.addressesOwnedBy(flipped)));
    caughtUp();
  }

  @Override
  public void statusChanged(String node, Director before, Director now) {
    if (!Objects.equals(applied(before), applied(now))) {
      caughtUp();
    }
    if (!Objects.equals(address(before), address(now))) {
      publisher.changed(); // the head lists each director's address for its peers
    }
    Set<String> moved = changed(announced(before), announced(now));
    if (!moved.isEmpty()) {
      // the directors moved addresses among themselves: the VirtualServices name who announces
      reconcile(catalog.usersOf(moved));
    }
    Set<String> a = unhealthy(before.getStatus());
    Set<String> b = unhealthy(now.getStatus());
    if (!a.equals(b)) {
      Set<String> keys = new HashSet<>(a);
      keys.addAll(b);
      Set<String> same = new HashSet<>(a);
      same.retainAll(b);
      keys.removeAll(same);
      reconcile(keys.stream().map(k -> k.substring(0, k.indexOf(' '))).collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Override
  public void published(long generation, Set<String> changed, Set<String> ownerChanged) {
    tracker.published(generation, changed);
    reconcile(ownerChanged);
    caughtUp();
  }

  /** VirtualServices that every live director has now applied. */
  private void caughtUp() {
    Map<String, Long> applied = registry.applied();
    Set<String> live = new TreeSet<>(registry.live());
    live.removeAll(registry.legacyNodes());
    long min = live.stream().mapToLong(n -> applied.getOrDefault(n, -1L)).min().orElse(publisher.generation());
    if (min >= 0) {
      reconcile(tracker.caughtUp(min));
    }
  }

  private static Set<String> announced(Director d) {
    return d.getStatus() == null || d.getStatus().getAnnounced() == null ? Set.of()
        : new HashSet<>(d.getStatus().getAnnounced());
  }

  /** What is in one set and not in the other. */
  private static Set<String> changed(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    out.removeAll(both);
    return out;
  }

  private static String address(Director d) {
    return d.getStatus() == null ? null : d.getStatus().getAddress();
  }

  private static Long applied(Director d) {
    return d.getStatus() == null ? null : d.getStatus().getAppliedGeneration();
  }

  /** "namespace/name address:port" of every real server a status calls unhealthy. */
  private static Set<String> unhealthy(DirectorStatus s) {
    Set<String> out = new HashSet<>();
    if (s == null || s.getServices() == null) {
      return out;
    }
    for (ServiceHealth svc : s.getServices()) {
      if (svc == null || svc.name() == null || svc.realServers() == null || !svc.name().contains("/")) {
        continue;
      }
      svc.realServers().stream().filter(r -> Boolean.FALSE.equals(r.healthy()))
          .forEach(r -> out.add(svc.name() + " " + r.address() + ":" + r.port()));
    }
    return out;
  }
}
