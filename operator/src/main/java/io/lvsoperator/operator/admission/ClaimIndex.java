package io.lvsoperator.operator.admission;

import io.lvsoperator.api.net.Ipv4;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who serves each VIP:port/protocol, in memory: the index every VirtualService's admission asks,
 * one at a time, instead of re-admitting the whole cluster. A claim belongs to whoever holds it
 * while that VirtualService exists and asks for it (or is invalid: a typo must not hand its
 * address to someone else); a free claim goes to whoever asks first. At start the index is
 * seeded from every VirtualService's status (what each held) and, for addresses nobody held,
 * oldest first, so the order in which the operator happens to reconcile changes nothing.
 * VirtualServices refused for a claim wait on it and are told when it is freed.
 */
public final class ClaimIndex {
  /** One VirtualService as the seed sees it. */
  public record Claimant(String key, String created, List<String> held, List<String> asked, boolean valid) {}

  private final Map<String, String> holder = new HashMap<>();
  private final Map<String, Set<String>> byHolder = new HashMap<>();
  private final Map<String, Set<String>> waiting = new HashMap<>();
  /** address -> holder -> how many of its claims are on that address: which addresses are free to assign. */
  private final Map<Integer, Map<String, Integer>> addressUse = new HashMap<>();
  private final Consumer<Collection<String>> freed;

  /** @param freed told, outside the index's lock, which VirtualServices may now take a freed claim */
  public ClaimIndex(Consumer<Collection<String>> freed) {
    this.freed = freed;
  }

  /** Seeds the index: held claims first (oldest holder wins a duplicate), then new ones oldest first. */
  public synchronized void seed(Collection<Claimant> all) {
    List<Claimant> oldestFirst = new ArrayList<>(all);
    oldestFirst.sort(java.util.Comparator.comparing((Claimant c) -> String.valueOf(c.created()))
        .thenComparing(Claimant::key));
    for (Claimant c : oldestFirst) {
      for (String claim : c.held()) {
        if ((!c.valid() || c.asked().contains(claim)) && !holder.containsKey(claim)) {
          take(claim, c.key());
        }
      }
    }
    for (Claimant c : oldestFirst) {
      if (c.valid() && c.asked().stream().allMatch(a -> !holder.containsKey(a) || c.key().equals(holder.get(a)))) {
        c.asked().forEach(a -> take(a, c.key()));
      }
    }
  }

  /**
   * {@code key} asks for {@code claims}: null when it now holds all of them (and nothing else),
   * else the first claim and its holder, and {@code key} keeps what it held and waits.
   */
  public String claim(String key, List<String> claims) {
    List<String> released;
    synchronized (this) {
      for (String c : claims) {
        String h = holder.get(c);
        if (h != null && !h.equals(key)) {
          waiting.computeIfAbsent(c, x -> new HashSet<>()).add(key);
          return c + " is already served by VirtualService " + h;
        }
      }
      claims.forEach(c -> take(c, key));
      claims.forEach(c -> {
        Set<String> w = waiting.get(c);
        if (w != null) {
          w.remove(key);
        }
      });
      released = new ArrayList<>(byHolder.getOrDefault(key, Set.of()));
      released.removeAll(claims);
      released.forEach(this::drop);
    }
    notifyWaiters(released);
    return null;
  }

  /** {@code key} is gone (or no longer asks for anything): its claims are freed. */
  public void release(String key) {
    List<String> released;
    synchronized (this) {
      released = new ArrayList<>(byHolder.getOrDefault(key, Set.of()));
      released.forEach(this::drop);
      waiting.values().forEach(w -> w.remove(key));
    }
    notifyWaiters(released);
  }

  public synchronized List<String> heldBy(String key) {
    return byHolder.getOrDefault(key, Set.of()).stream().sorted().toList();
  }

  /** Every VirtualService holding a claim. */
  public synchronized Set<String> holders() {
    return Set.copyOf(byHolder.keySet());
  }

  public synchronized int size() {
    return holder.size();
  }

  /** Whether a VirtualService other than {@code key} holds a claim on {@code address}. */
  public synchronized boolean usedByOther(int address, String key) {
    Map<String, Integer> use = addressUse.get(address);
    return use != null && (use.size() > 1 || !use.containsKey(key));
  }

  /** Every address some claim is on. */
  public synchronized Set<Integer> addresses() {
    return Set.copyOf(addressUse.keySet());
  }

  private void use(String claim, String key, int delta) {
    int colon = claim.indexOf(':');
    if (colon < 0 || !Ipv4.isValid(claim.substring(0, colon))) {
      return; // a status edited by hand: the claim still counts, its address is not tracked
    }
    int address = Ipv4.parse(claim.substring(0, colon));
    Map<String, Integer> use = addressUse.computeIfAbsent(address, a -> new HashMap<>());
    if (use.merge(key, delta, Integer::sum) <= 0) {
      use.remove(key);
    }
    if (use.isEmpty()) {
      addressUse.remove(address);
    }
  }

  private void notifyWaiters(List<String> released) {
    Set<String> wake = new HashSet<>();
    synchronized (this) {
      for (String c : released) {
        Set<String> w = waiting.remove(c);
        if (w != null) {
          wake.addAll(w);
        }
      }
    }
    if (!wake.isEmpty()) {
      freed.accept(wake);
    }
  }

  private void take(String claim, String key) {
    String before = holder.put(claim, key);
    if (before != null && !before.equals(key)) {
      byHolder.get(before).remove(claim);
      use(claim, before, -1);
    }
    if (byHolder.computeIfAbsent(key, k -> new HashSet<>()).add(claim)) {
      use(claim, key, 1);
    }
  }

  private void drop(String claim) {
    String h = holder.remove(claim);
    if (h != null) {
      Set<String> mine = byHolder.get(h);
      mine.remove(claim);
      use(claim, h, -1);
      if (mine.isEmpty()) {
        byHolder.remove(h);
      }
    }
  }
}
