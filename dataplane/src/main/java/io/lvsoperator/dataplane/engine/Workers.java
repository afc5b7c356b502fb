package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.io.FrameHandler;
import java.util.List;

/**
 * What the engine workers of one director share (docs/architecture.md, "Workers"). The kernel
 * hands worker 0 every frame that is no connection's (ARP, VRRP, sync, the DIPs), so worker 0
 * alone runs ARP and the announcer and receives the sync; the others learn from it here:
 *
 * <ul>
 *   <li>neighbours: a worker that needs a next hop's MAC asks worker 0 ({@link #ask}), which
 *       sends the ARP request (and so takes the reply as solicited) and tells every worker what it
 *       learns ({@link #tell});
 *   <li>sync messages: worker 0 passes each on ({@link #passOn}); each worker installs the entries
 *       of the connections that are its own;
 *   <li>what worker 0 announces, and when a peer appeared that wants every connection (a dump
 *       from each worker).
 * </ul>
 *
 * With one worker nothing goes through here.
 */
public final class Workers {
  static final int NEIGHBOUR_MESSAGES = 1024;
  static final int SYNC_FRAMES = 32;

  private final int count;
  private final PairMailbox asks;
  private final PairMailbox[] news;
  private final FrameMailbox[] syncFrames;
  private volatile IntSet announced = new IntSet(List.of());
  private volatile int[] announcedList = new int[0];
  private volatile long dumps;

  /** @param frameBytes the longest frame a sync message may come in */
  public Workers(int count, int frameBytes) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be at least 1, not " + count);
    }
    this.count = count;
    asks = new PairMailbox(count > 1 ? NEIGHBOUR_MESSAGES : 2);
    news = new PairMailbox[count];
    syncFrames = new FrameMailbox[count];
    for (int k = 1; k < count; k++) {
      news[k] = new PairMailbox(NEIGHBOUR_MESSAGES);
      syncFrames[k] = new FrameMailbox(SYNC_FRAMES, frameBytes);
    }
  }

  /** {@code count} workers, for frames of the engine's largest size. */
  public Workers(int count) {
    this(count, Engine.MAX_FRAME);
  }

  /** One worker: the engine as it always ran. */
  public static Workers single() {
    return new Workers(1, 0);
  }

  public int count() {
    return count;
  }

  /** Worker {@code from} asks worker 0 to resolve {@code ip} from its address {@code source}. */
  public boolean ask(int from, int ip, int source, boolean important) {
    return asks.post(ip & 0xffffffffL | (important ? 1L << 32 : 0) | (long) from << 33, source & 0xffffffffL);
  }

  /** Worker 0 reads the asks: {@link #askedIp}, {@link #askedImportant}, {@link #askedBy} of the first word. */
  public int readAsks(PairMailbox.Reader reader) {
    return asks.drain(reader);
  }

  static int askedIp(long first) {
    return (int) first;
  }

  static boolean askedImportant(long first) {
    return (first >>> 32 & 1) != 0;
  }

  static int askedBy(long first) {
    return (int) (first >>> 33);
  }

  /** Worker 0 tells worker {@code to} (or, with -1, every other worker) a neighbour's MAC. */
  public void tell(int to, int ip, long mac, boolean opportunistic) {
    long first = ip & 0xffffffffL | (opportunistic ? 1L << 32 : 0);
    if (to > 0) {
      news[to].post(first, mac);
      return;
    }
    for (int k = 1; k < count; k++) {
      news[k].post(first, mac);
    }
  }

  /** Worker {@code k} reads what it was told: {@link #toldIp} and {@link #toldOpportunistic} of the first word, the MAC. */
  public int readNews(int k, PairMailbox.Reader reader) {
    return news[k].drain(reader);
  }

  static int toldIp(long first) {
    return (int) first;
  }

  static boolean toldOpportunistic(long first) {
    return (first >>> 32 & 1) != 0;
  }

  /** Worker 0 passes a sync message on to every other worker. */
  public void passOn(byte[] f, int len) {
    for (int k = 1; k < count; k++) {
      syncFrames[k].post(f, len);
    }
  }

  /** Worker {@code k} handles the sync messages passed on to it. */
  public int readSyncFrames(int k, FrameHandler handler) {
    return syncFrames[k].drain(handler);
  }

  /** Worker 0 publishes what it announces now. */
  public void announced(IntSet now, int[] list) {
    announcedList = list;
    announced = now;
  }

  /** The same as a list, for the state view. */
  public int[] announcedList() {
    return announcedList;
  }

  /** What worker 0 announces (the others send sync for the connections of these VIPs). */
  public IntSet announced() {
    return announced;
  }

  /** Worker 0: a peer appeared, every worker sends it all its connections. */
  public void dump() {
    dumps = dumps + 1;
  }

  /** How many dumps were asked for so far; a worker dumps when it changes. */
  public long dumps() {
    return dumps;
  }

  /** Messages between workers refused because a mailbox was full (a metric). */
  public long refused() {
    long n = asks.refused();
    for (int k = 1; k < count; k++) {
      n += news[k].refused() + syncFrames[k].refused();
    }
    return n;
  }
}
