package io.lvsoperator.dataplane.peer;

import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this director hears of the others: the last advertisement of each peer the configuration
 * names, by its VRRP router ID. A peer is alive while its last advertisement is younger than the
 * dead interval and did not say it stops. Written and read by the engine thread only; nothing is
 * allocated per advertisement. Advertisements are accepted only from a named peer's address with
 * its router ID and TTL 255 (RFC 5798 section 7.1); everything else is counted and dropped.
 */
public final class PeerTable implements Ownership.View {
  /** A director of the configuration: its node name, router ID (1-255) and address. */
  public record Peer(String name, int routerId, int address) {
    public Peer {
      if (routerId < 1 || routerId > 255) {
        throw new IllegalArgumentException("router ID " + routerId + " of " + name + " is not within 1-255");
      }
    }
  }

  private final long deadNanos;
  private final String self;
  private final Candidacy candidacy;
  private final long[] heard = new long[256];
  private final int[] priority = new int[256];
  private final int[] source = new int[256];
  private Map<String, Integer> ids = Map.of();
  private long now;

  public long accepted;
  public long malformed;
  public long unknownSender;
  public long badTtl;

  /** @param self this director's name: its own priority is its candidacy's, never heard */
  public PeerTable(String self, Candidacy candidacy, long deadNanos) {
    this.self = self;
    this.candidacy = candidacy;
    this.deadNanos = deadNanos;
    Arrays.fill(priority, -1);
  }

  /**
   * Names the peers; one that keeps its router ID and address keeps what was heard of it, the
   * others start unheard.
   */
  public void configure(List<Peer> peers) {
    int[] oldSource = source.clone();
    long[] oldHeard = heard.clone();
    int[] oldPriority = priority.clone();
    Arrays.fill(source, 0);
    Arrays.fill(heard, 0);
    Arrays.fill(priority, -1);
    Map<String, Integer> next = new HashMap<>();
    for (Peer p : peers) {
      if (p.name().equals(self)) {
        continue;
      }
      next.put(p.name(), p.routerId());
      source[p.routerId()] = p.address();
      if (oldSource[p.routerId()] == p.address()) {
        heard[p.routerId()] = oldHeard[p.routerId()];
        priority[p.routerId()] = oldPriority[p.routerId()];
      }
    }
    ids = next;
  }

  /**
   * An IPv4 packet of protocol 112 at {@code ip} (its VRRP message at {@code l4}, {@code len}
   * bytes) arrived at {@code at}; true when it was a named peer's advertisement.
   */
  public boolean received(byte[] f, int ip, int l4, int len, long at) {
    int src = Ipv4Header.source(f, ip);
    int dst = Ipv4Header.destination(f, ip);
    if (Vrrp.malformed(f, l4, len, src, dst) != null) {
      malformed++;
      return false;
    }
    if (Ipv4Header.ttl(f, ip) != Vrrp.TTL) {
      badTtl++; // sent from beyond the link, or forged there
      return false;
    }
    int id = Vrrp.routerId(f, l4);
    if (source[id] == 0 || source[id] != src) {
      unknownSender++;
      return false;
    }
    heard[id] = at;
    priority[id] = Vrrp.priority(f, l4);
    accepted++;
    return true;
  }

  /** The time the views are taken at (the engine's clock, once per tick). */
  public void at(long nanos) {
    now = nanos;
  }

  @Override
  public int priority(String director) {
    if (director.equals(self)) {
      return candidacy.priority(now);
    }
    Integer id = ids.get(director);
    if (id == null || priority[id] < 0 || now - heard[id] > deadNanos || priority[id] == Candidacy.STOPPING) {
      return -1;
    }
    return priority[id];
  }

  /** True while {@code director} (a peer) is heard. */
  public boolean alive(String director) {
    return !director.equals(self) && priority(director) >= 0;
  }
}
