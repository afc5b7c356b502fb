package io.lvsoperator.operator.pools;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Range;
import io.lvsoperator.api.net.SpecialAddress;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VipPoolSpec;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.validation.ReservedAddresses;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every VipPool, judged (docs/architecture.md, "Address pools"): its addresses parse, contain no
 * special address (loopback, link-local...) and none of the cluster's own (node addresses, pod
 * ranges, the reserved Service range), and overlap no older pool (the older one keeps its
 * addresses, as the older VirtualService keeps a contested VIP:port). Pure; built again when a
 * pool or a node changes.
 */
public final class PoolBook {
  /** One pool as judged; {@code reason} is {@link Reason#Accepted} when VirtualServices may use it. */
  public record Pool(String name, List<Ipv4Range> ranges, VipPoolSpec spec, Reason reason, String message) {
    public boolean accepted() {
      return reason == Reason.Accepted;
    }

    public boolean contains(int address) {
      for (Ipv4Range r : ranges) {
        if (r.contains(address)) {
          return true;
        }
      }
      return false;
    }

    public long size() {
      return ranges.stream().mapToLong(Ipv4Range::size).sum();
    }

    /** Why a VirtualService of {@code namespace} with {@code labels} may not use the pool, or null when it may. */
    public String refuses(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {
      if (!LabelSelectors.matches(spec.getNamespaceSelector(), namespaceLabels)) {
        return "VipPool " + name + "'s namespaceSelector does not select namespace " + namespace;
      }
      if (!LabelSelectors.matches(spec.getServiceSelector(), labels)) {
        return "VipPool " + name + "'s serviceSelector does not select this VirtualService's labels";
      }
      return null;
    }
  }

  private final List<Pool> pools;

  private PoolBook(List<Pool> pools) {
    this.pools = List.copyOf(pools);
  }

  public static final PoolBook EMPTY = new PoolBook(List.of());

  public static PoolBook of(Collection<VipPool> all, ReservedAddresses reserved) {
    List<VipPool> oldestFirst = new ArrayList<>(all);
    oldestFirst.sort(Comparator.comparing((VipPool p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
        .thenComparing(p -> p.getMetadata().getName()));
    List<Pool> judged = new ArrayList<>();
    for (VipPool p : oldestFirst) {
      judged.add(judge(p, judged, reserved));
    }
    judged.sort(Comparator.comparing(Pool::name));
    return new PoolBook(judged);
  }

  private static Pool judge(VipPool p, List<Pool> older, ReservedAddresses reserved) {
    String name = p.getMetadata().getName();
    VipPoolSpec spec = p.getSpec() == null ? new VipPoolSpec() : p.getSpec();
    List<String> violations = new ArrayList<>();
    List<Ipv4Range> ranges = new ArrayList<>();
    List<String> addresses = spec.getAddresses() == null ? List.of() : spec.getAddresses();
    if (addresses.isEmpty()) {
      violations.add("spec.addresses: at least one prefix or range is required");
    } else if (addresses.size() > VipPoolSpec.MAX_RANGES) {
      violations.add("spec.addresses: " + addresses.size() + " entries, at most " + VipPoolSpec.MAX_RANGES);
    }
    for (int i = 0; i < addresses.size() && i < VipPoolSpec.MAX_RANGES; i++) {
      try {
        Ipv4Range r = Ipv4Range.parse(addresses.get(i));
        for (Ipv4Range mine : ranges) {
          if (mine.overlaps(r)) {
            violations.add("spec.addresses[" + i + "]: " + r + " overlaps " + mine + " of the same pool");
          }
        }
        ranges.add(r);
      } catch (IllegalArgumentException e) {
        violations.add("spec.addresses[" + i + "]: " + e.getMessage());
      }
    }
    violations.addAll(LabelSelectors.validate("spec.namespaceSelector", spec.getNamespaceSelector()));
    violations.addAll(LabelSelectors.validate("spec.serviceSelector", spec.getServiceSelector()));
    violations.addAll(LabelSelectors.validate("spec.nodeSelector", spec.getNodeSelector()));
    if (!violations.isEmpty()) {
      return new Pool(name, ranges, spec, Reason.InvalidSpec, String.join("; ", violations));
    }
    String reservedWhy = reservedIn(ranges, reserved);
    if (reservedWhy != null) {
      return new Pool(name, ranges, spec, Reason.ReservedRange, reservedWhy);
    }
    for (Pool o : older) {
      if (!o.accepted()) {
        continue;
      }
      for (Ipv4Range mine : ranges) {
        for (Ipv4Range theirs : o.ranges()) {
          if (mine.overlaps(theirs)) {
            return new Pool(name, ranges, spec, Reason.Overlapping, mine + " overlaps " + theirs + " of VipPool "
                + o.name() + ", which is older and keeps it");
          }
        }
      }
    }
    return new Pool(name, ranges, spec, Reason.Accepted, "accepted: " + ranges.stream().mapToLong(Ipv4Range::size)
        .sum() + " address(es)");
  }

  /** The first special or cluster address inside {@code ranges}, as a message, or null. */
  private static String reservedIn(List<Ipv4Range> ranges, ReservedAddresses reserved) {
    for (Ipv4Range r : ranges) {
      for (SpecialAddress s : SpecialAddress.values()) {
        if (r.overlaps(s.range())) {
          return r + " contains " + s.range() + ", " + s.description();
        }
      }
      for (Map.Entry<Integer, String> node : reserved.nodeAddresses().entrySet()) {
        if (r.contains(node.getKey())) {
          return r + " contains " + Ipv4.format(node.getKey()) + ", the address of node " + node.getValue();
        }
      }
      for (ReservedAddresses.Range range : reserved.ranges()) {
        if (r.overlaps(Ipv4Range.of(range.prefix()))) {
          return r + " overlaps " + range.what();
        }
      }
    }
    return null;
  }

  /**
   * Whether the director on a node with {@code nodeLabels} may announce {@code address}: yes unless
   * the accepted pool holding it has a nodeSelector that does not select the node.
   */
  public boolean mayAnnounce(int address, Map<String, String> nodeLabels) {
    Pool p = poolOf(address);
    return p == null || !p.accepted() || LabelSelectors.matches(p.spec().getNodeSelector(), nodeLabels);
  }

  /** No VipPool exists: VirtualServices name their VIPs freely, as before pools existed. */
  public boolean open() {
    return pools.isEmpty();
  }

  /** Every pool, by name. */
  public List<Pool> pools() {
    return pools;
  }

  public Pool get(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** The accepted pool holding {@code address} (pools do not overlap), else a refused one holding it, else null. */
  public Pool poolOf(int address) {
    Pool refused = null;
    for (Pool p : pools) {
      if (p.contains(address)) {
        if (p.accepted()) {
          return p;
        }
        refused = Objects.requireNonNullElse(refused, p);
      }
    }
    return refused;
  }
}
