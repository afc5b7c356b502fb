package io.lvsoperator.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VipPoolStatus;
import io.lvsoperator.operator.pools.PoolBook;
import io.lvsoperator.operator.status.Conditions;
import io.lvsoperator.operator.validation.ReservedAddresses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each VipPool's status (docs/architecture.md, "Address pools"): Accepted, or why not
 * (overlapping an older pool, holding the cluster's own or special addresses, unparsable), and
 * how many of its addresses are in use. Counts change with every VirtualService, so each pool is
 * counted again every {@link #RECOUNT}; the status is written only when it changed.
 */
@ControllerConfiguration(name = "vippool")
public final class VipPoolReconciler implements Reconciler<VipPool> {
  private static final Logger LOG = LoggerFactory.getLogger(VipPoolReconciler.class);
  static final Duration RECOUNT = Duration.ofSeconds(5);
  public static final String ACCEPTED = "Accepted";

  private final VirtualServiceReconciler virtualServices;
  private final Clock clock;
  private final Map<String, long[]> counts = new ConcurrentHashMap<>();
  private MeterRegistry meters;

  public VipPoolReconciler(VirtualServiceReconciler virtualServices, Clock clock) {
    this.virtualServices = virtualServices;
    this.clock = clock;
  }

  /** lvs_operator_vippool_addresses{pool, state="assigned"|"available"}. */
  public void bindMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public UpdateControl<VipPool> reconcile(VipPool pool, Context<VipPool> context) {
    ReservedAddresses reserved = virtualServices.reservedAddresses();
    if (reserved == null) {
      return UpdateControl.<VipPool>noUpdate().rescheduleAfter(Duration.ofSeconds(1)); // nodes not listed yet
    }
    String name = pool.getMetadata().getName();
    PoolBook.Pool judged = PoolBook.of(context.getPrimaryCache().list().toList(), reserved).get(name);
    long assigned = 0;
    if (judged.accepted()) {
      Set<Integer> inUse = virtualServices.allocator().inUse();
      for (int address : inUse) {
        if (judged.contains(address)) {
          assigned++;
        }
      }
    }
    long available = judged.accepted() ? judged.size() - assigned : 0;
    count(name, assigned, available);
    long generation = pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
    VipPoolStatus old = pool.getStatus();
    Conditions c = new Conditions(old == null ? null : old.getConditions(), generation, clock);
    c.set(ACCEPTED, judged.accepted(), judged.reason().name(), judged.message());
    VipPoolStatus next = new VipPoolStatus();
    next.setConditions(c.build());
    next.setObservedGeneration(generation);
    next.setAssigned(assigned);
    next.setAvailable(available);
    if (Objects.equals(next, old)) {
      return UpdateControl.<VipPool>noUpdate().rescheduleAfter(RECOUNT);
    }
    Boolean wasAccepted = old == null ? null : Conditions.isTrue(old.getConditions(), ACCEPTED);
    if (wasAccepted == null || wasAccepted != judged.accepted()) {
      if (judged.accepted()) {
        LOG.info("vippool {}: accepted, {} address(es)", name, judged.size());
      } else {
        LOG.warn("vippool {}: not accepted ({}): {}", name, judged.reason(), judged.message());
      }
    }
    VipPool patch = new VipPool();
    patch.setMetadata(pool.getMetadata());
    patch.setStatus(next);
    return UpdateControl.patchStatus(patch).rescheduleAfter(RECOUNT);
  }

  private void count(String name, long assigned, long available) {
    long[] c = counts.get(name);
    if (c == null) {
      c = new long[2];
      counts.put(name, c);
      if (meters != null) {
        long[] held = c;
        Gauge.builder("lvs.operator.vippool.addresses", held, a -> a[0]).tag("pool", name).tag("state", "assigned")
            .description("addresses of a VipPool in use, and still available").register(meters);
        Gauge.builder("lvs.operator.vippool.addresses", held, a -> a[1]).tag("pool", name).tag("state", "available")
            .description("addresses of a VipPool in use, and still available").register(meters);
      }
    }
    c[0] = assigned;
    c[1] = available;
  }
}
