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
 * VIP over at once); each VIP is announced by exactly one ready director. Assignments are stable:
 * a VIP stays with its director while that director is ready; new or orphaned VIPs go to the
 * ready director with the fewest, ties by name, so every run of the operator agrees. Pure.
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
    Set<String> vips = new TreeSet<>();
    services.stream().sorted(Comparator.comparing(AcceptedService::key)).forEach(s -> {
      rendered.addAll(ServiceRenderer.render(s.key(), s.resource().getSpec(), s.backends()));
      vips.add(s.resource().getSpec().getVip());
    });
    Set<String> ready = nodes.stream().filter(DirectorNode::ready).map(DirectorNode::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Map<String, String> owners = new TreeMap<>();
    Map<String, Integer> load = new HashMap<>();
    ready.forEach(n -> load.put(n, 0));
    for (String vip : vips) {
      String owner = currentOwners.get(vip);
      if (owner != null && ready.contains(owner)) {
        owners.put(vip, owner);
        load.merge(owner, 1, Integer::sum);
      }
    }
    for (String vip : vips) {
      if (owners.containsKey(vip) || ready.isEmpty()) {
        continue;
      }
      String least = ready.stream().min(Comparator.comparing((String n) -> load.get(n)).thenComparing(n -> n))
          .orElseThrow();
      owners.put(vip, least);
      load.merge(least, 1, Integer::sum);
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
