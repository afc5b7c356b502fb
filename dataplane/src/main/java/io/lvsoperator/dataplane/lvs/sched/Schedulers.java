package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;

/** The schedulers by their ipvsadm names. */
public final class Schedulers {
  private Schedulers() {}

  public static Scheduler create(SchedulerName name, List<Destination> destinations) {
    return create(name, destinations, null);
  }

  /** @param tables Maglev tables shared and kept across compiles (null: none) */
  public static Scheduler create(SchedulerName name, List<Destination> destinations, MaglevTables tables) {
    return switch (name) {
      case RR -> new RoundRobinScheduler(destinations);
      case WRR -> new WeightedRoundRobinScheduler(destinations);
      case LC -> new LeastConnectionScheduler(destinations);
      case WLC -> new WeightedLeastConnectionScheduler(destinations);
      case SH -> new SourceHashScheduler(destinations);
      case MH -> new MaglevScheduler(destinations, tables);
    };
  }
}
