package io.lvsoperator.dataplane.lvs.conn;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.Arrays;

/**
 * The connection table: entries in parallel primitive arrays (about 76 bytes each with the hash
 * chains, so a million fit well under 128 MiB), found in O(1) through two chained hash indexes:
 * "in" by the client's 5-tuple, "out" by the real server's side for NAT and FULLNAT replies (its
 * address and port and its peer's: the client in NAT, the director's local address and port in
 * FULLNAT). Bounded: when
 * full, the entry closest to expiry among a few sampled is evicted. Idle entries expire lazily on
 * lookup and through an incremental sweep. Engine thread only.
 *
 * <p>A persistence template (client-IP affinity) is an entry with protocol {@link #TEMPLATE}, the
 * client port 0 and the service's port, as IPVS keeps its templates in the same table.
 *
 * <p>Defences, in the spirit of IPVS's {@code ip_vs_conn_rnd} and {@code secure_tcp}: the bucket
 * hash mixes a secret seed drawn per process, so nobody outside can aim many flows at one chain;
 * and an entry is unconfirmed until its flow has shown it is real (the engine decides what counts,
 * {@link #confirm}). When the table is full, unconfirmed entries (a SYN flood, spoofed SYN then
 * ACK) are evicted before confirmed ones, so a flood cannot push real connections out.
 */
public final class ConnectionTable {
  public static final int TEMPLATE = 0;
  public static final int NONE = -1;

  private static final int EVICTION_SAMPLE = 8;
  /** How far eviction looks for an unconfirmed entry before it takes a confirmed one. */
  private static final int EVICTION_SCAN = 256;
  private static final byte FLAG_OUT_INDEXED = 1;
  private static final byte FLAG_ACTIVE = 2;
  private static final byte FLAG_CONFIRMED = 4;

  private final int capacity;
  private final int seed;
  /** The worker whose engine owns this table: its connections count in that worker's stripe. */
  private final int worker;
  private final int bucketMask;
  private final int[] inHead;
  private final int[] outHead;
  private final int[] inNext;
  private final int[] outNext;

  private final byte[] proto;
  private final byte[] state;
  private final byte[] method;
  private final byte[] flags;
  /** Packets seen since the entry was made, saturating: what confirmation policies count. */
  private final byte[] packets;
  private final int[] clientIp;
  private final int[] virtualIp;
  private final int[] realIp;
  private final char[] clientPort;
  private final char[] virtualPort;
  private final char[] realPort;
  /** The real server's peer: the client (NAT), or the director's local address and port (FULLNAT). */
  private final int[] localIp;
  private final char[] localPort;
  private final long[] expiresAt;
  private final Destination[] dest;
  /** The state last sent to the peers (docs/architecture.md, "Connection sync"), -1 never. */
  private final byte[] syncedState;
  private final long[] syncedAt;

  private final int[] free;
  private int freeTop;
  private int size;
  private int hand;
  private long expired;
  private long evicted;
  private long evictedConfirmed;
  private int confirmedCount;

  /** A table whose hash seed is drawn at random, as every table on the packet path must be. */
  public ConnectionTable(int capacity) {
    this(capacity, new java.security.SecureRandom().nextInt());
  }

  /** With a given seed: for tests and benchmarks that need one layout every run. */
  public ConnectionTable(int capacity, int seed) {
    this(capacity, seed, 0);
  }

  /** The table of worker {@code worker} (docs/architecture.md, "Workers"). */
  public ConnectionTable(int capacity, int seed, int worker) {
    this.capacity = capacity;
    this.seed = seed;
    this.worker = worker;
    int buckets = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    bucketMask = buckets - 1;
    inHead = new int[buckets];
    outHead = new int[buckets];
    Arrays.fill(inHead, NONE);
    Arrays.fill(outHead, NONE);
    inNext = new int[capacity];
    outNext = new int[capacity];
    proto = new byte[capacity];
    state = new byte[capacity];
    method = new byte[capacity];
    flags = new byte[capacity];
    packets = new byte[capacity];
    clientIp = new int[capacity];
    virtualIp = new int[capacity];
    realIp = new int[capacity];
    clientPort = new char[capacity];
    virtualPort = new char[capacity];
    realPort = new char[capacity];
    localIp = new int[capacity];
    localPort = new char[capacity];
    expiresAt = new long[capacity];
    dest = new Destination[capacity];
    syncedState = new byte[capacity];
    syncedAt = new long[capacity];
    free = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      free[i] = capacity - 1 - i;
    }
    freeTop = capacity;
  }

  private int hash(int protocol, int a, int aPort, int b, int bPort) {
    // the seed enters first and every later step multiplies it through: without it, the chain
    // a tuple lands on cannot be told
    int h = (seed ^ protocol) * 0x9E3779B1;
    h = (h ^ a) * 0x85EBCA6B;
    h = (h ^ (h >>> 13) ^ ((aPort << 16) | bPort)) * 0xC2B2AE35;
    h = (h ^ (h >>> 16) ^ b) * 0x27D4EB2F;
    return h ^ (h >>> 15);
  }

  /** The chain a client flow lands on (tests show the seed at work). */
  int bucketOf(int protocol, int cip, int cport, int vip, int vport) {
    return hash(protocol, cip, cport, vip, vport) & bucketMask;
  }

  /** The entry of the client's flow, or {@link #NONE}. Expired entries are removed, not found. */
  public int lookupIn(int protocol, int cip, int cport, int vip, int vport, long now) {
    int i = inHead[hash(protocol, cip, cport, vip, vport) & bucketMask];
    while (i != NONE) {
      if (clientIp[i] == cip && virtualIp[i] == vip && clientPort[i] == cport && virtualPort[i] == vport
          && proto[i] == protocol) {
        if (expiresAt[i] - now <= 0) {
          remove(i);
          expired++;
          return NONE;
        }
        return i;
      }
      i = inNext[i];
    }
    return NONE;
  }

  /**
   * The entry a reply from RIP:rport to its peer belongs to (the client in NAT, the director's
   * local address and port in FULLNAT), or {@link #NONE}.
   */
  public int lookupOut(int protocol, int rip, int rport, int peerIp, int peerPort, long now) {
    int i = outHead[hash(protocol, rip, rport, peerIp, peerPort) & bucketMask];
    while (i != NONE) {
      if (realIp[i] == rip && localIp[i] == peerIp && realPort[i] == rport && localPort[i] == peerPort
          && proto[i] == protocol) {
        if (expiresAt[i] - now <= 0) {
          remove(i);
          expired++;
          return NONE;
        }
        return i;
      }
      i = outNext[i];
    }
    return NONE;
  }

  /**
   * Adds an entry; {@code indexOut} also makes it findable from the real server's side (NAT).
   * Returns its index, evicting an entry when full.
   */
  public int insert(
      int protocol, int cip, int cport, int vip, int vport, Destination d, int rport, int xmitMethod,
      TcpState initial, long timeoutNanos, boolean indexOut, long now) {
    return insert(protocol, cip, cport, vip, vport, d, rport, cip, cport, xmitMethod, initial, timeoutNanos, indexOut,
        now);
  }

  /** As above, the real server seeing {@code lip:lport} as its peer (FULLNAT). */
  public int insert(
      int protocol, int cip, int cport, int vip, int vport, Destination d, int rport, int lip, int lport,
      int xmitMethod, TcpState initial, long timeoutNanos, boolean indexOut, long now) {
    if (freeTop == 0) {
      evictOne(now);
    }
    int i = free[--freeTop];
    proto[i] = (byte) protocol;
    clientIp[i] = cip;
    clientPort[i] = (char) cport;
    virtualIp[i] = vip;
    virtualPort[i] = (char) vport;
    realIp[i] = d.address();
    realPort[i] = (char) rport;
    localIp[i] = lip;
    localPort[i] = (char) lport;
    dest[i] = d;
    method[i] = (byte) xmitMethod;
    state[i] = (byte) initial.ordinal();
    expiresAt[i] = now + timeoutNanos;
    flags[i] = 0;
    packets[i] = 1;
    syncedState[i] = -1;
    int b = hash(protocol, cip, cport, vip, vport) & bucketMask;
    inNext[i] = inHead[b];
    inHead[b] = i;
    if (indexOut) {
      int o = hash(protocol, d.address(), rport, lip, lport) & bucketMask;
      outNext[i] = outHead[o];
      outHead[o] = i;
      flags[i] |= FLAG_OUT_INDEXED;
    }
    size++;
    if (protocol != TEMPLATE) {
      boolean active = initial == TcpState.ESTABLISHED;
      if (active) {
        flags[i] |= FLAG_ACTIVE;
      }
      d.stats().opened(worker, active);
    }
    return i;
  }

  /** Moves an entry to a new state and restarts its timer; active/inactive counts follow. */
  public void update(int i, TcpState next, long timeoutNanos, long now) {
    state[i] = (byte) next.ordinal();
    expiresAt[i] = now + timeoutNanos;
    if (proto[i] == TEMPLATE) {
      return;
    }
    boolean wasActive = (flags[i] & FLAG_ACTIVE) != 0;
    boolean isActive = next == TcpState.ESTABLISHED;
    if (wasActive != isActive) {
      dest[i].stats().moved(worker, isActive);
      if (isActive) {
        flags[i] |= FLAG_ACTIVE;
      } else {
        flags[i] &= ~FLAG_ACTIVE;
      }
    }
  }

  /**
   * Makes room in a full table (every slot is live): the entry closest to expiry among the first
   * few unconfirmed ones found; only when none is near, the closest of the first few sampled.
   */
  private void evictOne(long now) {
    int victim = NONE;
    int fallback = NONE;
    int unconfirmedSeen = 0;
    int scan = confirmedCount == capacity ? EVICTION_SAMPLE : EVICTION_SCAN;
    for (int n = 0; n < scan && unconfirmedSeen < EVICTION_SAMPLE; n++) {
      int i = hand;
      hand = (hand + 1) % capacity;
      if (n < EVICTION_SAMPLE && (fallback == NONE || expiresAt[i] - expiresAt[fallback] < 0)) {
        fallback = i;
      }
      if ((flags[i] & FLAG_CONFIRMED) == 0) {
        unconfirmedSeen++;
        if (victim == NONE || expiresAt[i] - expiresAt[victim] < 0) {
          victim = i;
        }
      }
    }
    if (victim == NONE) {
      victim = fallback;
    }
    if (expiresAt[victim] - now <= 0) {
      expired++;
    } else {
      evicted++;
      if ((flags[victim] & FLAG_CONFIRMED) != 0) {
        evictedConfirmed++;
      }
    }
    remove(victim);
  }

  /** Marks the entry's flow as real: it is evicted only when no unconfirmed entry is near. */
  public void confirm(int i) {
    if ((flags[i] & FLAG_CONFIRMED) == 0) {
      flags[i] |= FLAG_CONFIRMED;
      confirmedCount++;
    }
  }

  public boolean confirmed(int i) {
    return (flags[i] & FLAG_CONFIRMED) != 0;
  }

  /** Counts a packet of the entry's flow; returns how many it has seen (saturating at 127). */
  public int seen(int i) {
    if (packets[i] < Byte.MAX_VALUE) {
      packets[i]++;
    }
    return packets[i];
  }

  /** Removes up to {@code budget} expired entries from the sweep position on; returns how many. */
  public int sweep(long now, int budget) {
    int removed = 0;
    int limit = Math.min(budget, capacity);
    for (int n = 0; n < limit && size > 0; n++) {
      int i = hand;
      // a compare, not a division per slot: the sweep runs between batches, 8,192 slots a tick
      hand = i + 1 == capacity ? 0 : i + 1;
      if (dest[i] != null && expiresAt[i] - now <= 0) {
        remove(i);
        removed++;
      }
    }
    expired += removed;
    return removed;
  }

  public void remove(int i) {
    unlink(inHead, inNext, hash(proto[i], clientIp[i], clientPort[i], virtualIp[i], virtualPort[i]) & bucketMask, i);
    if ((flags[i] & FLAG_OUT_INDEXED) != 0) {
      unlink(outHead, outNext, hash(proto[i], realIp[i], realPort[i], localIp[i], localPort[i]) & bucketMask, i);
    }
    if (proto[i] != TEMPLATE) {
      dest[i].stats().closed(worker, (flags[i] & FLAG_ACTIVE) != 0);
    }
    if ((flags[i] & FLAG_CONFIRMED) != 0) {
      confirmedCount--;
    }
    dest[i] = null;
    flags[i] = 0;
    free[freeTop++] = i;
    size--;
  }

  private static void unlink(int[] head, int[] next, int bucket, int i) {
    int cur = head[bucket];
    if (cur == i) {
      head[bucket] = next[i];
      return;
    }
    while (cur != NONE) {
      if (next[cur] == i) {
        next[cur] = next[i];
        return;
      }
      cur = next[cur];
    }
  }

  public Destination destination(int i) {
    return dest[i];
  }

  /** True when slot {@code i} holds an entry (a walk over every slot, as the sync's table dump). */
  public boolean live(int i) {
    return dest[i] != null;
  }

  public int protocol(int i) {
    return proto[i];
  }

  public int clientIp(int i) {
    return clientIp[i];
  }

  public int clientPort(int i) {
    return clientPort[i];
  }

  /**
   * True when the peers have not been told the entry's current state, or were told more than
   * {@code refreshNanos} ago (their copy would expire while this one is in use).
   */
  public boolean syncDue(int i, long refreshNanos, long now) {
    return syncedState[i] != state[i] || now - syncedAt[i] >= refreshNanos;
  }

  /** The peers now hold the entry as it is. */
  public void synced(int i, long now) {
    syncedState[i] = state[i];
    syncedAt[i] = now;
  }

  public int method(int i) {
    return method[i];
  }

  public TcpState state(int i) {
    return TcpState.of(state[i]);
  }

  public int realPort(int i) {
    return realPort[i];
  }

  /** The real server's peer address: the client's, or the director's local one (FULLNAT). */
  public int localIp(int i) {
    return localIp[i];
  }

  public int localPort(int i) {
    return localPort[i];
  }

  public int virtualIp(int i) {
    return virtualIp[i];
  }

  public int virtualPort(int i) {
    return virtualPort[i];
  }

  public long expiresAt(int i) {
    return expiresAt[i];
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  /** Entries removed because they timed out (lazily, by sweep, or when evicting an expired one). */
  public long expiredCount() {
    return expired;
  }

  /** Live entries removed to make room. */
  public long evictedCount() {
    return evicted;
  }

  /** Live confirmed entries removed to make room: real connections lost to a full table. */
  public long evictedConfirmedCount() {
    return evictedConfirmed;
  }

  /** Entries whose flow has not yet shown it is real (half-open handshakes, floods). */
  public int unconfirmed() {
    return size - confirmedCount;
  }
}
