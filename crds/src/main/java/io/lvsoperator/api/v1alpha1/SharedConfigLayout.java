package io.lvsoperator.api.v1alpha1;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The writer's side of {@link SharedConfig}: the services and announce orders held in their
 * parts, which parts changed since the last publication, and when the part count must change.
 * The count doubles when a part outgrows the byte budget (every part rewritten once) and halves
 * when the parts are mostly empty, so a part stays under the budget unless one VirtualService
 * alone is larger. Not thread-safe: one publisher owns it.
 */
public final class SharedConfigLayout {
  /** Parts are never fewer than what an eighth of the budget per part would need. */
  private static final int SHRINK_FILL_DIVISOR = 8;
  /** ... and never more than a quarter of the budget per part would need (a big service stays where it is). */
  private static final int GROW_FILL_DIVISOR = 4;
  private static final int MAX_PARTS = 1 << 16;

  private final int maxPartBytes;
  private final Map<String, List<ServiceSpec>> services = new HashMap<>();
  private final Map<String, List<String>> announce = new HashMap<>();
  private int parts = 1;
  private final BitSet dirty = new BitSet();
  /** What each part holds on the API as last written (or adopted), and its size. */
  private final Map<Integer, ConfigPartSpec> written = new HashMap<>();
  private final Map<Integer, Integer> writtenBytes = new HashMap<>();
  /** Every part of the count {@link #resize} settled on, built while sizing it: publish writes these. */
  private List<ConfigPartSpec> sized;
  private int sizedCount;

  public SharedConfigLayout(int maxPartBytes) {
    if (maxPartBytes < 1024) {
      throw new IllegalArgumentException("a part budget under 1 KiB cannot hold a service");
    }
    this.maxPartBytes = maxPartBytes;
  }

  /** What one publication writes: parts first, then the head with these revisions. */
  public record Publication(long generation, List<ConfigPartSpec> parts, List<Long> partRevisions, boolean resized) {}

  /** Takes over a layout found on the API (an operator restart), so unchanged parts are not rewritten. */
  public void adopt(DirectorConfigSpec head, Collection<ConfigPartSpec> existing) {
    int count = head.partRevisions().size();
    if (count == 0 || Integer.bitCount(count) != 1) {
      return;
    }
    parts = count;
    written.clear();
    writtenBytes.clear();
    for (ConfigPartSpec p : existing) {
      if (p.index() < count && p.revision().equals(head.partRevisions().get(p.index()))) {
        written.put(p.index(), p);
        writtenBytes.put(p.index(), DirectorParts.encodedSize(p));
      }
    }
    dirty.set(0, parts);
  }

  /** Forgets what was written: the API lost it (or holds something else), everything is written again. */
  public void reset() {
    written.clear();
    writtenBytes.clear();
    dirty.set(0, parts);
  }

  public int partCount() {
    return parts;
  }

  /** Sets the services of VirtualService {@code key}; true when that changed anything. */
  public boolean putServices(String key, List<ServiceSpec> list) {
    List<ServiceSpec> copy = List.copyOf(list);
    if (copy.equals(services.get(key))) {
      return false;
    }
    services.put(key, copy);
    dirty.set(SharedConfig.partOf(key, parts));
    return true;
  }

  public boolean removeServices(String key) {
    if (services.remove(key) == null) {
      return false;
    }
    dirty.set(SharedConfig.partOf(key, parts));
    return true;
  }

  /** Sets who may announce {@code address}, owner first; true when that changed anything. */
  public boolean putAnnounce(String address, List<String> directors) {
    List<String> copy = List.copyOf(directors);
    if (copy.equals(announce.get(address))) {
      return false;
    }
    announce.put(address, copy);
    dirty.set(SharedConfig.partOf(address, parts));
    return true;
  }

  public boolean removeAnnounce(String address) {
    if (announce.remove(address) == null) {
      return false;
    }
    dirty.set(SharedConfig.partOf(address, parts));
    return true;
  }

  public Map<String, List<String>> announce() {
    return Map.copyOf(announce);
  }

  public boolean dirty() {
    return !dirty.isEmpty() || written.size() != parts;
  }

  /**
   * The parts that differ from what was last written, stamped with {@code generation}, and the
   * head's revisions; resizes first when a part would pass the budget or the parts are mostly
   * empty. Call {@link #written} once the writes went through.
   */
  public Publication publish(long generation) {
    boolean resized = resize(generation);
    for (int i = 0; i < parts; i++) {
      if (!written.containsKey(i)) {
        dirty.set(i);
      }
    }
    List<ConfigPartSpec> out = new ArrayList<>();
    List<ConfigPartSpec> candidates = resized && sized != null && sizedCount == parts ? sized : build(parts, dirty, generation);
    sized = null;
    for (ConfigPartSpec built : candidates) {
      ConfigPartSpec before = written.get(built.index());
      if (before == null || !sameContent(before, built)) {
        out.add(built);
      }
    }
    Map<Integer, ConfigPartSpec> changed = new HashMap<>();
    out.forEach(p -> changed.put(p.index(), p));
    List<Long> revisions = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      revisions.add(changed.containsKey(i) ? generation : written.get(i).revision());
    }
    return new Publication(generation, List.copyOf(out), List.copyOf(revisions), resized);
  }

  /** Records that {@code publication}'s parts are on the API. */
  public void written(Publication publication) {
    for (ConfigPartSpec p : publication.parts()) {
      written.put(p.index(), p);
      writtenBytes.put(p.index(), DirectorParts.encodedSize(p));
    }
    written.keySet().removeIf(i -> i >= parts);
    writtenBytes.keySet().removeIf(i -> i >= parts);
    dirty.clear();
  }

  private static boolean sameContent(ConfigPartSpec a, ConfigPartSpec b) {
    return Objects.equals(a.index(), b.index()) && a.announce().equals(b.announce())
        && (Objects.equals(a.servicesGzip(), b.servicesGzip()) || a.services().equals(b.services()));
  }

  /** Parts {@code which} of a layout in {@code count} parts, in one pass over the content. */
  private List<ConfigPartSpec> build(int count, BitSet which, long revision) {
    Map<Integer, TreeMap<String, List<ServiceSpec>>> svc = new HashMap<>();
    Map<Integer, TreeMap<String, List<String>>> addr = new HashMap<>();
    services.forEach((k, v) -> {
      int i = SharedConfig.partOf(k, count);
      if (which.get(i)) {
        svc.computeIfAbsent(i, x -> new TreeMap<>()).put(k, v);
      }
    });
    announce.forEach((a, d) -> {
      int i = SharedConfig.partOf(a, count);
      if (which.get(i)) {
        addr.computeIfAbsent(i, x -> new TreeMap<>()).put(a, d);
      }
    });
    List<ConfigPartSpec> out = new ArrayList<>();
    for (int i = which.nextSetBit(0); i >= 0 && i < count; i = which.nextSetBit(i + 1)) {
      List<ServiceSpec> list = new ArrayList<>();
      svc.getOrDefault(i, new TreeMap<>()).values().forEach(list::addAll);
      out.add(new ConfigPartSpec(i, revision, list, addr.getOrDefault(i, new TreeMap<>()).entrySet().stream()
          .map(e -> new AnnounceSpec(e.getKey(), e.getValue())).toList()));
    }
    return out;
  }

  /**
   * The bytes of the largest part of a layout in {@code count} parts as written in
   * {@code generation} (the revision's digits count too); its parts are kept for publish.
   */
  private int largest(int count, long generation) {
    BitSet all = new BitSet();
    all.set(0, count);
    sized = build(count, all, generation);
    sizedCount = count;
    int m = 0;
    for (ConfigPartSpec p : sized) {
      m = Math.max(m, DirectorParts.encodedSize(p));
    }
    return m;
  }

  /** Doubles or halves the part count when the content calls for it; true when it did. */
  private boolean resize(long generation) {
    sized = null;
    if (dirty.isEmpty() && written.size() == parts) {
      return false;
    }
    BitSet changed = (BitSet) dirty.clone();
    for (int i = 0; i < parts; i++) {
      if (!writtenBytes.containsKey(i)) {
        changed.set(i);
      }
    }
    int[] fresh = new int[parts];
    for (ConfigPartSpec p : build(parts, changed, generation)) {
      fresh[p.index()] = DirectorParts.encodedSize(p);
    }
    long total = 0;
    int largest = 0;
    for (int i = 0; i < parts; i++) {
      int bytes = changed.get(i) ? fresh[i] : writtenBytes.get(i);
      total += bytes;
      largest = Math.max(largest, bytes);
    }
    // more parts than a quarter-full layout needs would not help: what is left is one big service
    long ceiling = Long.highestOneBit(Math.max(1, total * GROW_FILL_DIVISOR / maxPartBytes)) * 2;
    int target = parts;
    if (largest > maxPartBytes) {
      // start at the fewest parts the total fits in, instead of doubling from one: each try
      // encodes every service (a first publication of 10,000 services starts from one part)
      long needed = (total + maxPartBytes - 1) / maxPartBytes;
      long atLeast = Long.highestOneBit(needed) == needed ? needed : Long.highestOneBit(needed) * 2;
      target = (int) Math.min(MAX_PARTS, Math.min(Math.max(parts, atLeast), Math.max(parts, ceiling)));
      largest = target == parts ? largest : largest(target, generation);
    }
    while (largest > maxPartBytes && target < MAX_PARTS && target < ceiling) {
      target *= 2;
      largest = largest(target, generation);
    }
    if (target == parts) {
      while (target > 1 && total < (long) target * maxPartBytes / SHRINK_FILL_DIVISOR
          && largest(target / 2, generation) <= maxPartBytes) {
        target /= 2;
      }
    }
    if (target == parts) {
      sized = null;
      return false;
    }
    parts = target;
    dirty.set(0, parts);
    return true;
  }
}
