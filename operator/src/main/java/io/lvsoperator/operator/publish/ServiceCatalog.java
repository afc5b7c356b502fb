package io.lvsoperator.operator.publish;

import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accepted VirtualServices as the directors will run them, by namespace/name: what the
 * reconciler hands the publisher. Remembers which changed since the publisher last looked, and
 * which VirtualServices use each address (to tell them when its director changes).
 */
public final class ServiceCatalog {
  /** One accepted VirtualService: its VIP, the NAT gateway that must follow it, its services. */
  public record Entry(String key, String vip, String natGateway, List<ServiceSpec> services) {
    public Entry {
      services = List.copyOf(services);
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Set<String> changed = new HashSet<>();
  private final Map<String, Set<String>> byAddress = new HashMap<>();
  /** Every VirtualService reconciled at least once, accepted or not: the publisher waits for all at start. */
  private final Set<String> judged = ConcurrentHashMap.newKeySet();
  private final Runnable onChange;

  public ServiceCatalog(Runnable onChange) {
    this.onChange = onChange;
  }

  /** {@code key} was judged and is not (or no longer) accepted. */
  public void refused(String key) {
    judged.add(key);
    remove(key);
  }

  public void put(Entry e) {
    judged.add(e.key());
    Entry before = entries.put(e.key(), e);
    if (e.equals(before)) {
      return;
    }
    synchronized (this) {
      if (before != null) {
        unindex(before);
      }
      index(e);
      changed.add(e.key());
    }
    onChange.run();
  }

  public void remove(String key) {
    Entry before = entries.remove(key);
    if (before == null) {
      return;
    }
    synchronized (this) {
      unindex(before);
      changed.add(key);
    }
    onChange.run();
  }

  /** {@code key} no longer exists at all. */
  public void deleted(String key) {
    remove(key);
    judged.remove(key);
  }

  public boolean judged(String key) {
    return judged.contains(key);
  }

  public Entry get(String key) {
    return entries.get(key);
  }

  public Collection<Entry> all() {
    return entries.values();
  }

  /** Marks {@code key} changed again (a publication that failed hands its keys back). */
  public void touch(String key) {
    synchronized (this) {
      changed.add(key);
    }
  }

  /** Keys changed since the last call. */
  public synchronized Set<String> drainChanged() {
    Set<String> out = new TreeSet<>(changed);
    changed.clear();
    return out;
  }

  /** VirtualServices whose VIP or gateway is one of {@code addresses}. */
  public synchronized Set<String> usersOf(Collection<String> addresses) {
    Set<String> out = new TreeSet<>();
    addresses.forEach(a -> out.addAll(byAddress.getOrDefault(a, Set.of())));
    return out;
  }

  private void index(Entry e) {
    for (String a : addressesOf(e)) {
      byAddress.computeIfAbsent(a, x -> new HashSet<>()).add(e.key());
    }
  }

  private void unindex(Entry e) {
    for (String a : addressesOf(e)) {
      Set<String> s = byAddress.get(a);
      if (s != null) {
        s.remove(e.key());
        if (s.isEmpty()) {
          byAddress.remove(a);
        }
      }
    }
  }

  private static List<String> addressesOf(Entry e) {
    List<String> out = new ArrayList<>();
    out.add(e.vip());
    if (e.natGateway() != null) {
      out.add(e.natGateway());
    }
    return out;
  }
}
