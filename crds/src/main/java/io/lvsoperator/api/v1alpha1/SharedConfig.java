package io.lvsoperator.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The contract of the configuration all directors share (docs/architecture.md, "The shared
 * configuration"), written by the operator ({@link SharedConfigLayout}) and read by every
 * dataplane, both through this class.
 * <ul>
 *   <li>One head, {@link DirectorConfig} {@value #HEAD}, and parts {@link DirectorConfigPart}
 *       {@code lvs-0}, {@code lvs-1}, ...: a power-of-two count of them.
 *   <li>A VirtualService's services live in the part its name hashes to, an address's announce
 *       order in the part the address hashes to ({@link #partOf}); so one changed VirtualService
 *       rewrites one part and the head, whatever the number of directors.
 *   <li>Every write of a part stamps it with the generation it is written in (its revision); the
 *       head, written after its parts, lists the revision each part must have. A reader holds
 *       generation G when every part's revision is the one G's head lists; until then it keeps
 *       what it runs (parts of two generations never mix).
 * </ul>
 */
public final class SharedConfig {
  public static final String HEAD = "lvs";
  /** Label on every part, valued {@value #HEAD}: what a dataplane's watch selects. */
  public static final String PART_LABEL = "lvsoperator.io/config";
  /**
   * Label of a dataplane pod that speaks this contract ({@value #CONTRACT}); the operator writes
   * the previous contract's per-node Director objects for ready dataplane pods without it (and
   * without a Lease), so a rolling upgrade never leaves a node unconfigured.
   */
  public static final String CONTRACT_LABEL = "lvsoperator.io/contract";
  public static final String CONTRACT = "shared-config";
  /**
   * Bytes of JSON per part, services encoded (about 110 KiB of them as plain JSON): one change
   * writes a part and the head, and every director is sent both; small enough that a steady
   * churn sends each director little, large enough that 10,000 services are about a hundred parts.
   */
  public static final int DEFAULT_MAX_PART_BYTES = 16 * 1024;

  private SharedConfig() {}

  public static String partName(int index) {
    return HEAD + "-" + index;
  }

  /** The part, of {@code parts} (a power of two), that holds {@code key}. */
  public static int partOf(String key, int parts) {
    return (int) (hash(key) & (parts - 1));
  }

  /** The weight of {@code director} for {@code address} in rendezvous hashing: highest first. */
  public static long rendezvous(String address, String director) {
    return hash(address + "\u0000" + director);
  }

  /** FNV-1a over the UTF-8 bytes, finished with MurmurHash3's mixer: stable across JVMs and versions. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * The configuration a complete set makes: the head and its parts in index order. Cheap to make
   * (a reader assembles on every change, a simulated one a hundred times over), so the services
   * and the announce orders are only gathered when asked for.
   */
  public static final class Assembled {
    private final DirectorConfigSpec head;
    private final List<ConfigPartSpec> parts;

    Assembled(DirectorConfigSpec head, List<ConfigPartSpec> parts) {
      this.head = head;
      this.parts = parts;
    }

    public long generation() {
      return head.generation();
    }

    public String interfaceName() {
      return head.interfaceName();
    }

    public int statusIntervalSeconds() {
      return head.statusIntervalSeconds();
    }

    /** Every service, part by part. */
    public List<ServiceSpec> services() {
      List<ServiceSpec> out = new ArrayList<>();
      parts.forEach(p -> out.addAll(p.services()));
      return out;
    }

    /** Address -> its directors, owner first. */
    public Map<String, List<String>> announce() {
      Map<String, List<String>> out = new TreeMap<>();
      parts.forEach(p -> p.announce().forEach(a -> out.put(a.address(), a.directors())));
      return out;
    }

    /**
     * What {@code node} runs: every service, as {@code vips} the addresses it is first in line
     * for, and, once the head names peers, every address's order, so that the directors decide
     * among themselves who announces what (docs/architecture.md, "Director liveness").
     */
    public DirectorSpec forDirector(String node) {
      List<String> vips = new ArrayList<>();
      List<AnnounceSpec> orders = new ArrayList<>();
      for (ConfigPartSpec p : parts) {
        for (AnnounceSpec a : p.announce()) {
          orders.add(a);
          if (node.equals(a.owner())) {
            vips.add(a.address());
          }
        }
      }
      vips.sort(null);
      FailoverSpec failover = head.peers().isEmpty() ? null
          : new FailoverSpec(node, head.advertisementIntervalMillis(), head.holdSeconds(), head.peers(), orders);
      return new DirectorSpec(head.generation(), head.interfaceName(), List.of(), vips, List.of(), services(),
          head.connectionTable(), null, failover);
    }
  }

  /**
   * The configuration of {@code head} when {@code parts} holds each of its parts at the listed
   * revision (other parts, left over from a larger layout or a later write, are ignored); empty
   * while any is missing or at another revision.
   */
  public static Optional<Assembled> assemble(DirectorConfigSpec head, Collection<ConfigPartSpec> parts) {
    if (head == null) {
      return Optional.empty();
    }
    List<Long> revisions = head.partRevisions();
    Map<Integer, ConfigPartSpec> byIndex = new HashMap<>();
    for (ConfigPartSpec p : parts) {
      if (p != null && p.index() >= 0 && p.index() < revisions.size()
          && p.revision().equals(revisions.get(p.index()))) {
        byIndex.put(p.index(), p);
      }
    }
    if (byIndex.size() != revisions.size()) {
      return Optional.empty();
    }
    List<ConfigPartSpec> ordered = new ArrayList<>();
    for (int i = 0; i < revisions.size(); i++) {
      ordered.add(byIndex.get(i));
    }
    return Optional.of(new Assembled(head, List.copyOf(ordered)));
  }
}
