package io.lvsoperator.operator.pools;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.event.Reason;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which VIP a VirtualService gets (docs/architecture.md, "Address pools"). One named in
 * {@code spec.vip} must lie in an accepted pool whose selectors admit the VirtualService and its
 * namespace, and must not be an address assigned to another; with {@code spec.vip} empty, one is
 * assigned from the pools that assign addresses and admit it. While no VipPool exists at all,
 * any VIP may be named (as before pools existed: an upgrade changes nothing until the
 * administrator creates the first pool).
 */
public final class VipResolver {
  /** The VIP, or why there is none. */
  public record Resolution(String vip, Reason reason, String message, String pool) {
    public boolean allowed() {
      return vip != null;
    }

    static Resolution refused(Reason reason, String message) {
      return new Resolution(null, reason, message, null);
    }
  }

  /** The label every namespace carries on a real API server (set by it since Kubernetes 1.21). */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private VipResolver() {}

  /**
   * @param namespaceLabels the labels of the VirtualService's namespace (empty when unknown)
   */
  public static Resolution resolve(String key, VirtualService vs, Map<String, String> namespaceLabels, PoolBook book,
      AddressAllocator allocator) {
    String namespace = vs.getMetadata().getNamespace();
    Map<String, String> nsLabels = new java.util.HashMap<>(namespaceLabels);
    nsLabels.putIfAbsent(NAMESPACE_NAME_LABEL, namespace);
    Map<String, String> labels = vs.getMetadata().getLabels() == null ? Map.of() : vs.getMetadata().getLabels();
    String named = vs.getSpec().getVip();
    if (named != null) {
      allocator.release(key); // named now: whatever was assigned before is free again
      int address = Ipv4.parse(named);
      String holder = allocator.holderOf(address);
      if (holder != null) {
        return Resolution.refused(Reason.Conflict, named + " is assigned to VirtualService " + holder
            + " from a VipPool");
      }
      if (book.open()) {
        return new Resolution(named, Reason.Accepted, "accepted", null);
      }
      PoolBook.Pool pool = book.poolOf(address);
      if (pool == null) {
        return Resolution.refused(Reason.VipNotAllowed, named + " lies in no VipPool (kubectl get vippool shows"
            + " the addresses this cluster hands out)");
      }
      if (!pool.accepted()) {
        return Resolution.refused(Reason.VipNotAllowed, named + " lies in VipPool " + pool.name()
            + ", which is not accepted: " + pool.message());
      }
      String why = pool.refuses(namespace, nsLabels, labels);
      return why == null ? new Resolution(named, Reason.Accepted, "accepted", pool.name())
          : Resolution.refused(Reason.VipNotAllowed, named + ": " + why);
    }
    if (book.open()) {
      allocator.release(key);
      return Resolution.refused(Reason.VipNotAllowed, "spec.vip is empty and no VipPool exists to assign an"
          + " address from");
    }
    List<PoolBook.Pool> candidates = book.pools().stream()
        .filter(p -> p.accepted() && p.spec().autoAssigns() && p.refuses(namespace, nsLabels, labels) == null)
        .toList();
    if (candidates.isEmpty()) {
      allocator.release(key);
      return Resolution.refused(Reason.VipNotAllowed, "spec.vip is empty and no accepted VipPool with autoAssign"
          + " admits this VirtualService in namespace " + namespace);
    }
    String shown = vs.getStatus() == null ? null : vs.getStatus().getVip();
    Integer preferred = shown != null && Ipv4.isValid(shown) ? Ipv4.parse(shown) : null;
    Integer address = allocator.assign(key, candidates, preferred);
    if (address == null) {
      allocator.release(key);
      return Resolution.refused(Reason.PoolExhausted, "every address of VipPool "
          + candidates.stream().map(PoolBook.Pool::name).collect(Collectors.joining(", ")) + " is in use");
    }
    String pool = candidates.stream().filter(p -> p.contains(address)).findFirst().orElseThrow().name();
    return new Resolution(Ipv4.format(address), Reason.Accepted, "accepted", pool);
  }
}
