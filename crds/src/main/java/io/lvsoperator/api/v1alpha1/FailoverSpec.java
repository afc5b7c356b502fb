package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Failover among directors decided by the directors themselves (docs/architecture.md, "Director
 * liveness"): who this director is, the peers it hears over VRRP, and for each address the
 * directors that may announce it. With it, a director announces an address when it is the first
 * live director of the address's order; without it, it announces its {@code vips} as given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailoverSpec(
    @JsonPropertyDescription("This director's name in the orders and among the peers") String node,
    @JsonPropertyDescription("Milliseconds between two advertisements; a director silent for three is dead"
        + " (default 100)")
        Integer advertisementIntervalMillis,
    @JsonPropertyDescription("Seconds a director that came back waits before it takes its addresses back"
        + " (keepalived's preempt_delay; default 10)")
        Integer holdSeconds,
    @JsonPropertyDescription("The directors as they are heard on the network: name, address, VRRP router ID")
        List<PeerSpec> peers,
    @JsonPropertyDescription("Per address (VIP or NAT gateway), the directors that may announce it, in order")
        List<AnnounceSpec> announce) {

  public static final int MIN_INTERVAL_MILLIS = 10;
  public static final int MAX_INTERVAL_MILLIS = 40_950; // VRRPv3 carries 12 bits of centiseconds
  public static final int MAX_HOLD_SECONDS = 3600;

  public FailoverSpec {
    advertisementIntervalMillis = advertisementIntervalMillis == null
        ? DirectorConfigSpec.DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS : advertisementIntervalMillis;
    holdSeconds = holdSeconds == null ? DirectorConfigSpec.DEFAULT_HOLD_SECONDS : holdSeconds;
    peers = peers == null ? List.of() : List.copyOf(peers);
    announce = announce == null ? List.of() : List.copyOf(announce);
  }

  /**
   * The same with every peer ahead of {@code node} in each order it is in: it then announces an
   * address only while no peer at all can. For a configuration that may be stale (the disk cache
   * of a restarted director): the orders may have changed meanwhile, a peer may own what the
   * cache says is this director's, and only the peers' own configurations know.
   */
  public FailoverSpec behindEveryPeer() {
    List<String> others = peers.stream().map(PeerSpec::name).filter(n -> !n.equals(node)).toList();
    List<AnnounceSpec> orders = announce.stream().map(a -> {
      if (!a.directors().contains(node)) {
        return a;
      }
      List<String> order = new java.util.ArrayList<>(others);
      a.directors().stream().filter(d -> !d.equals(node) && !others.contains(d)).forEach(order::add);
      order.add(node);
      return new AnnounceSpec(a.address(), order);
    }).toList();
    return new FailoverSpec(node, advertisementIntervalMillis, holdSeconds, peers, orders);
  }

  /** A director silent this long is dead: three advertisement intervals, as VRRP's. */
  public long deadIntervalMillis() {
    return 3L * advertisementIntervalMillis;
  }
}
