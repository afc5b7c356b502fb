package io.lvsoperator.operator.publish;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The last announce plan and what it was made from. {@link AnnouncePlanner#plan} is pure and reads
 * of each VirtualService only its VIP and NAT gateway, so a publication whose inputs are those of
 * the last plan (a weight or a real server changed, the usual change) takes that plan again
 * instead of placing every address anew: at 10,000 VirtualServices and 100 directors a plan is
 * a million rendezvous hashes, and it held every change behind it (docs/scale.md). Not
 * thread-safe: the publisher's thread owns it.
 */
final class AnnouncePlanCache {
  private Set<List<String>> addresses;
  private Set<String> live;
  private Map<String, List<String>> current;
  private int standbys;
  private BiPredicate<String, String> mayAnnounce;
  private Map<String, List<String>> plan;

  /** As {@link AnnouncePlanner#plan}; the last result when every input is the same as then. */
  Map<String, List<String>> plan(Collection<ServiceCatalog.Entry> services, Set<String> live,
      Map<String, List<String>> current, int standbys, BiPredicate<String, String> mayAnnounce) {
    Set<List<String>> addresses = new HashSet<>();
    for (ServiceCatalog.Entry e : services) {
      addresses.add(Arrays.asList(e.vip(), e.natGateway()));
    }
    // a predicate is the same only as the same object: one built afresh may read other labels
    if (plan != null && standbys == this.standbys && mayAnnounce == this.mayAnnounce && live.equals(this.live)
        && addresses.equals(this.addresses) && current.equals(this.current)) {
      return plan;
    }
    Map<String, List<String>> fresh = AnnouncePlanner.plan(services, live, current, standbys, mayAnnounce);
    this.addresses = addresses;
    this.live = Set.copyOf(live);
    this.current = Map.copyOf(current);
    this.standbys = standbys;
    this.mayAnnounce = mayAnnounce;
    this.plan = fresh;
    return fresh;
  }
}
