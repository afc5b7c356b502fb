package io.lvsoperator.operator.reconciler;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * In which generation of the shared configuration each VirtualService's latest change was
 * written, and which changes are not written yet, so that when the directors catch up only the
 * VirtualServices they caught up with are looked at again.
 */
final class ProgrammingTracker {
  private final Map<String, Long> publishedIn = new HashMap<>();
  private final NavigableMap<Long, Set<String>> byGeneration = new TreeMap<>();
  private final Set<String> unpublished = new HashSet<>();

  synchronized void changed(String key) {
    unpublished.add(key);
  }

  synchronized void published(long generation, Set<String> keys) {
    for (String key : keys) {
      unpublished.remove(key);
      Long before = publishedIn.put(key, generation);
      if (before != null) {
        Set<String> old = byGeneration.get(before);
        if (old != null) {
          old.remove(key);
        }
      }
      byGeneration.computeIfAbsent(generation, g -> new HashSet<>()).add(key);
    }
  }

  synchronized boolean unpublished(String key) {
    return unpublished.contains(key);
  }

  /** The generation that carries {@code key}'s latest change, if written since this operator started. */
  synchronized Long publishedIn(String key) {
    return publishedIn.get(key);
  }

  /** VirtualServices written in generations up to {@code applied}, each returned once. */
  synchronized Set<String> caughtUp(long applied) {
    Set<String> out = new HashSet<>();
    NavigableMap<Long, Set<String>> done = byGeneration.headMap(applied, true);
    done.values().forEach(out::addAll);
    done.clear();
    return out;
  }

  synchronized void forget(String key) {
    unpublished.remove(key);
    Long g = publishedIn.remove(key);
    if (g != null && byGeneration.containsKey(g)) {
      byGeneration.get(g).remove(key);
    }
  }
}
