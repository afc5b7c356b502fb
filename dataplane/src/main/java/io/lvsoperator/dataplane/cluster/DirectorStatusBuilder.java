package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.RealServerHealth;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a dataplane reports on its Director: applied generation, conditions, and the real servers
 * that fail their health checks. Only what changes rarely: connection counts are in /metrics and
 * liveness is the Lease, so a status is written only when it changes.
 */
public final class DirectorStatusBuilder {
  private DirectorStatusBuilder() {}

  /**
   * @param table the configuration in force, or null
   * @param forwarding whether the engine runs
   * @param rejection why the latest configuration was refused, or null
   * @param previous the status now on the object, whose transition times are kept
   * @param announced the addresses the engine announces now
   */
  public static DirectorStatus build(ForwardingTable table, boolean forwarding, String rejection,
      DirectorStatus previous, Instant now, int[] announced) {
    DirectorStatus s = new DirectorStatus();
    List<Condition> old = previous == null ? List.of() : previous.getConditions();
    boolean ready = forwarding && table != null;
    String readyReason = !forwarding ? "EngineStopped" : table == null ? "NoConfiguration" : "Forwarding";
    String readyMessage = !forwarding ? "the packet engine stopped; see the dataplane log"
        : table == null ? "no configuration applied yet" : "forwarding generation " + table.generation();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(old, "Ready", ready, readyReason, readyMessage, now));
    conditions.add(condition(old, "Degraded", rejection != null, rejection != null ? "ConfigurationRejected" : "AsExpected",
        rejection != null ? rejection : "the latest configuration is in force", now));
    s.setConditions(conditions);
    if (table != null) {
      s.setAppliedGeneration(table.generation());
      s.setInterfaceName(table.iface().name());
      s.setMac(MacAddress.format(table.iface().mac()));
      // the DIP it speaks from: what its peers accept its advertisements from
      s.setAddress(table.addresses().isEmpty() ? null : Ipv4.format(table.addresses().get(0).address()));
      List<ServiceHealth> services = new ArrayList<>();
      for (VirtualService v : table.serviceList()) {
        List<RealServerHealth> unhealthy = new ArrayList<>();
        for (Destination d : v.destinations()) {
          if (!d.stats().healthy) {
            unhealthy.add(new RealServerHealth(Ipv4.format(d.address()), d.port(), false, null, null));
          }
        }
        if (!unhealthy.isEmpty()) {
          services.add(new ServiceHealth(v.name(), Ipv4.format(v.vip()), v.port(), v.protocol() == 6 ? "TCP" : "UDP",
              unhealthy));
        }
      }
      s.setServices(services);
      // sorted, so that the status changes only when the set does
      s.setAnnounced(Arrays.stream(announced).sorted().mapToObj(Ipv4::format).toList());
    }
    return s;
  }

  private static Condition condition(List<Condition> old, String type, boolean status, String reason, String message,
      Instant now) {
    String value = status ? "True" : "False";
    String since = old.stream().filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime).findFirst()
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
        .withLastTransitionTime(since).build();
  }
}
