package io.lvsoperator.dataplane.peer;

import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.Arrays;
import java.util.List;

/**
 * What this director hears of the others: the last advertisement of each peer the configuration
 * names, by its VRRP router ID. A peer is alive while its last advertisement is younger than the
 * dead interval and did not say it stops. Written and read by the engine thread only; nothing is
 * allocated per advertisement. Advertisements are accepted only from a named peer's address with
 * its router ID and TTL 255 (RFC 5798 section 7.1); everything else is counted and dropped.
 */
public final class PeerTable {
  /** A director of the configuration: its node name, router ID (1-255) and address. */
  public record Peer(String name, int routerId, int address) {
    public Peer {
      if (routerId < 1 || routerId > 255) {
        throw new IllegalArgumentException("router ID " + routerId + " of " + name + " is not within 1-255");
      }
    }
  }

  private final EngineCounters counters;
  private final long[] heard = new long[256];
  private final int[] priority = new int[256];
  private final int[] source = new int[256];
  private long deadNanos;

  public PeerTable(EngineCounters counters) {
    this.counters = counters;
    Arrays.fill(priority, -1);
  }

  /**
   * Names the peers (never this director itself); one that keeps its router ID and address keeps
   * what was heard of it, the others start unheard.
   */
  public void configure(List<Peer> peers, long deadIntervalNanos) {
    deadNanos = deadIntervalNanos;
    int[] oldSource = source.clone();
    long[] oldHeard = heard.clone();
    int[] oldPriority = priority.clone();
    Arrays.fill(source, 0);
    Arrays.fill(heard, 0);
    Arrays.fill(priority, -1);
    for (Peer p : peers) {
      source[p.routerId()] = p.address();
      if (oldSource[p.routerId()] == p.address()) {
        heard[p.routerId()] = oldHeard[p.routerId()];
        priority[p.routerId()] = oldPriority[p.routerId()];
      }
    }
  }

  /**
   * An IPv4 packet of protocol 112 at {@code ip} (its VRRP message at {@code l4}, {@code len}
   * bytes) arrived at {@code at}; true when it was a named peer's advertisement.
   */
  public boolean received(byte[] f, int ip, int l4, int len, long at) {
    int src = Ipv4Header.source(f, ip);
    int dst = Ipv4Header.destination(f, ip);
    if (Vrrp.malformed(f, l4, len, src, dst) != null) {
      counters.drop(DropReason.VRRP_MALFORMED);
      return false;
    }
    if (Ipv4Header.ttl(f, ip) != Vrrp.TTL) {
      counters.drop(DropReason.VRRP_BAD_TTL); // sent from beyond the link, or forged there
      return false;
    }
    int id = Vrrp.routerId(f, l4);
    if (source[id] == 0 || source[id] != src) {
      counters.drop(DropReason.VRRP_UNKNOWN_SENDER);
      return false;
    }
    heard[id] = at;
    priority[id] = Vrrp.priority(f, l4);
    counters.inc(Counter.VRRP_ADVERTISEMENTS_RECEIVED);
    return true;
  }

  /** The priority peer {@code routerId} advertises at {@code now}; -1 when it is not alive. */
  public int priority(int routerId, long now) {
    if (source[routerId] == 0 || priority[routerId] < 0 || now - heard[routerId] > deadNanos
        || priority[routerId] == Candidacy.STOPPING) {
      return -1;
    }
    return priority[routerId];
  }
}
