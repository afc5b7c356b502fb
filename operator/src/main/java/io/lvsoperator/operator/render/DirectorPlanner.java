package io.lvsoperator.operator.render;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides what every director runs. Every director gets every service (so any of them can take a
 * VIP over at once); each VIP, and each NAT gateway with the VIPs that use it, is announced by
 * exactly one ready director. Assignments are stable: addresses stay with their director while
 * that director is ready; new or orphaned ones go to the ready director announcing the fewest,
 * ties by name, so every run of the operator agrees. Pure.
 */
public final class DirectorPlanner {
  private DirectorPlanner() {}

  /** Per director node, the spec it should run (generation left 0 for the writer to set). */
  public record Plan(Map<String, DirectorSpec> specs, Map<String, String> owners) {}

  /**
   * @param currentOwners VIP -> director node, as the Director objects say now
   */
  public static Plan plan(
      List<AcceptedService> services, List<DirectorNode> nodes, Map<String, String> currentOwners,
      String interfaceName) {
    List<ServiceSpec> rendered = new ArrayList<>();
    AnnounceGroups groups = new AnnounceGroups();
    services.stream().sorted(Comparator.comparing(AcceptedService::key)).forEach(s -> {
      rendered.addAll(ServiceRenderer.render(s.key(), s.resource().getSpec(), s.backends()));
      groups.add(s.resource().getSpec().getVip());
      if (s.resource().getSpec().getNatGateway() != null) {
        // NAT replies reach the director through the gateway: it must be where the VIP is
        groups.join(s.resource().getSpec().getVip(), s.resource().getSpec().getNatGateway());
      }
    });
    Set<String> ready = nodes.stream().filter(DirectorNode::ready).map(DirectorNode::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Map<String, String> owners = new TreeMap<>();
    Map<String, Integer> load = new HashMap<>();
    ready.forEach(n -> load.put(n, 0));
    List<Set<String>> unplaced = new ArrayList<>();
    for (Set<String> group : groups.groups()) {
      String owner = group.stream().map(currentOwners::get).filter(o -> o != null && ready.contains(o)).findFirst()
          .orElse(null);
      if (owner == null) {
        unplaced.add(group);
      } else {
        group.forEach(a -> owners.put(a, owner));
        load.merge(owner, group.size(), Integer::sum);
      }
    }
    for (Set<String> group : unplaced) {
      if (ready.isEmpty()) {
        break;
      }
      String least = ready.stream().min(Comparator.comparing((String n) -> load.get(n)).thenComparing(n -> n))
          .orElseThrow();
      group.forEach(a -> owners.put(a, least));
      load.merge(least, group.size(), Integer::sum);
    }
    Map<String, DirectorSpec> specs = new TreeMap<>();
    for (DirectorNode node : nodes) {
      List<String> own = owners.entrySet().stream().filter(e -> e.getValue().equals(node.name()))
          .map(Map.Entry::getKey).toList();
      specs.put(node.name(), new DirectorSpec(0L, interfaceName, List.of(), own, List.of(), rendered, null));
    }
    return new Plan(specs, owners);
  }
}
