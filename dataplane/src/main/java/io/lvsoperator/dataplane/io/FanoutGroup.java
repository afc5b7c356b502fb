package io.lvsoperator.dataplane.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet sockets of N engine workers, in one fanout group (docs/architecture.md, "Workers").
 * The kernel hands a frame to the socket at the index the group's program returns, and a socket's
 * index is its place in the order the sockets joined (one that leaves takes the last one's place
 * with it): so the sockets are opened and joined together, worker 0's first, and when one fails
 * all of them are opened again together, in order, as {@link ReopeningPort} reopens one (backoff,
 * a log line, {@code onReopened}). Each worker polls and sends through its {@link #member}; each
 * member closes its own failed socket on its own thread (never one under another thread's poll),
 * and worker 0's polls open the new ones once every member let go (or after {@link
 * #RELEASE_WAIT_NANOS}: a member that does not poll is stuck, and liveness says so).
 */
public final class FanoutGroup implements PortHealth, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FanoutGroup.class);
  static final long RELEASE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final ClassicBpf NOTHING = new ClassicBpf.Builder().drop().build();

  private final String interfaceName;
  private final ReopeningPort.Opener opener;
  private final Runnable onReopened;
  private final LongSupplier clock;
  private final ReopeningPort.Sleeper sleeper;
  private final Member[] members;
  /** The sockets in force, by worker; null while down. */
  private volatile PacketPort[] sockets;
  /** The sockets that failed, each closed by its member; guarded by this. */
  private PacketPort[] retiring;
  private final boolean[] released;
  private volatile ClassicBpf program;
  private volatile String downReason;
  private volatile boolean closed;
  private volatile long failures;
  private volatile long reopens;
  private final long[] retiredDrops;
  /** Worker 0's thread while down; {@link #failed} sets it before it publishes the failure. */
  private final ReopenSchedule schedule = new ReopenSchedule();
  private long downSince;

  private FanoutGroup(String interfaceName, int size, ReopeningPort.Opener opener, Runnable onReopened,
      LongSupplier clock, ReopeningPort.Sleeper sleeper) {
    this.interfaceName = interfaceName;
    this.opener = opener;
    this.onReopened = onReopened;
    this.clock = clock;
    this.sleeper = sleeper;
    members = new Member[size];
    released = new boolean[size];
    retiredDrops = new long[size];
    for (int k = 0; k < size; k++) {
      members[k] = new Member(k);
    }
  }

  /**
   * Opens {@code size} sockets with {@code opener}, in one new group.
   *
   * @param onReopened runs on worker 0's thread after each reopen of the group
   */
  public static FanoutGroup open(String interfaceName, int size, ReopeningPort.Opener opener, Runnable onReopened,
      LongSupplier clock, ReopeningPort.Sleeper sleeper) throws PortException {
    FanoutGroup g = new FanoutGroup(interfaceName, size, opener, onReopened, clock, sleeper);
    g.sockets = g.openAll();
    LOG.info("packet I/O on {}: {} sockets in one fanout group, one per engine worker", interfaceName, size);
    return g;
  }

  public static FanoutGroup open(String interfaceName, int size, ReopeningPort.Opener opener, Runnable onReopened)
      throws PortException {
    return open(interfaceName, size, opener, onReopened, System::nanoTime, n -> TimeUnit.NANOSECONDS.sleep(n));
  }

  /**
   * In order: the first creates the group, the others join it. A socket takes every frame of the
   * interface from its open to its join (copies of what the group's members get): it drops them
   * all until it is in the group, then takes its worker's filter.
   */
  private PacketPort[] openAll() throws PortException {
    List<PacketPort> opened = new ArrayList<>();
    try {
      int group = 0;
      for (int k = 0; k < members.length; k++) {
        PacketPort p = opener.open();
        opened.add(p);
        p.filter(NOTHING);
        if (k == 0) {
          group = p.createFanout();
        } else {
          p.joinFanout(group);
        }
        p.filter(members[k].filter);
      }
    } catch (PortException | RuntimeException e) {
      opened.forEach(PacketPort::close);
      throw e;
    }
    return opened.toArray(new PacketPort[0]);
  }

  /** The port worker {@code k} polls and sends through. */
  public PacketPort member(int k) {
    return members[k];
  }

  public int size() {
    return members.length;
  }

  /**
   * Replaces the program that picks each frame's worker, for the sockets in force and those
   * opened later; false when the kernel refused it (frames then go as the previous one says).
   */
  public synchronized boolean program(ClassicBpf next) {
    program = next;
    PacketPort[] s = sockets;
    return s == null || s[0].fanoutProgram(next);
  }

  private synchronized void failed(PacketPort[] s, String why) {
    if (sockets != s) {
      return; // another member saw it first
    }
    retiring = s;
    java.util.Arrays.fill(released, false);
    failures = failures + 1;
    downReason = why;
    downSince = clock.getAsLong();
    schedule.failed(downSince);
    sockets = null; // last: worker 0 reads the schedule once it sees no sockets
    LOG.warn("packet I/O on {} failed: {}; reopening its {} sockets together with backoff", interfaceName, why,
        members.length);
  }

  /** Member {@code k} closes its failed socket, on its own thread. */
  private synchronized void release(int k) {
    if (retiring != null && !released[k]) {
      retiredDrops[k] += retiring[k].droppedByCapture();
      retiring[k].close();
      released[k] = true;
    }
  }

  private synchronized boolean allReleased(long now) {
    if (retiring == null) {
      return true;
    }
    for (int k = 0; k < released.length; k++) {
      if (!released[k]) {
        if (now - downSince < RELEASE_WAIT_NANOS) {
          return false;
        }
        LOG.warn("packet I/O on {}: worker {} did not let its failed socket go; closed for it", interfaceName, k);
        release(k);
      }
    }
    return true;
  }

  /** Worker 0's thread: opens the group again when its backoff allows. */
  private void retry() {
    if (closed) {
      return;
    }
    long now = clock.getAsLong();
    long wait = schedule.untilDue(now);
    if (wait > 0 || !allReleased(now)) {
      pause(Math.max(0, wait));
      return;
    }
    schedule.attempt();
    PacketPort[] next;
    try {
      next = openAll();
    } catch (PortException e) {
      downReason = e.getMessage();
      if (schedule.refused(now)) {
        LOG.warn("packet I/O on {} still down after {} attempts: {}", interfaceName, schedule.attempts(),
            e.getMessage());
      }
      return;
    }
    synchronized (this) {
      if (closed) {
        for (PacketPort p : next) {
          p.close();
        }
        return;
      }
      retiring = null;
      if (program != null) {
        next[0].fanoutProgram(program);
      }
      sockets = next;
    }
    reopens = reopens + 1;
    downReason = null;
    LOG.info("packet I/O on {} reopened its {} sockets after {} attempts ({} ms down)", interfaceName,
        members.length, schedule.attempts(), schedule.downMillis(clock.getAsLong()));
    onReopened.run();
  }

  private void pause(long nanos) {
    try {
      sleeper.sleep(Math.min(Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)), ReopeningPort.DOWN_POLL_NANOS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String downReason() {
    return downReason;
  }

  @Override
  public long failures() {
    return failures;
  }

  @Override
  public long reopens() {
    return reopens;
  }

  @Override
  public synchronized void close() {
    closed = true;
    PacketPort[] s = sockets;
    sockets = null;
    if (s != null) {
      for (PacketPort p : s) {
        p.close();
      }
    }
    if (retiring != null) {
      for (int k = 0; k < released.length; k++) {
        release(k);
      }
    }
  }

  /** One worker's view: its socket of the sockets in force. */
  private final class Member implements PacketPort {
    private final int k;
    private volatile ClassicBpf filter;

    Member(int k) {
      this.k = k;
    }

    @Override
    public int poll(FrameHandler handler, int max) {
      PacketPort[] s = sockets;
      if (s == null) {
        release(k);
        if (k == 0) {
          retry();
        } else {
          pause(ReopeningPort.DOWN_POLL_NANOS);
        }
        return 0;
      }
      try {
        return s[k].poll(handler, max);
      } catch (PortFailedException e) {
        failed(s, e.getMessage());
        return 0;
      }
    }

    @Override
    public boolean send(byte[] frame, int length) {
      PacketPort[] s = sockets;
      return s != null && s[k].send(frame, length);
    }

    @Override
    public boolean send(byte[] frame, int length, Offload offload) {
      PacketPort[] s = sockets;
      return s != null && s[k].send(frame, length, offload);
    }

    /** Also the filter of this worker's sockets opened later. */
    @Override
    public boolean filter(ClassicBpf next) {
      filter = next;
      PacketPort[] s = sockets;
      return s == null || s[k].filter(next);
    }

    @Override
    public boolean fanoutProgram(ClassicBpf next) {
      return program(next);
    }

    @Override
    public void flush() {
      PacketPort[] s = sockets;
      if (s != null) {
        s[k].flush();
      }
    }

    @Override
    public boolean linkUp() {
      return sockets != null && LinkState.problem(interfaceName) == null;
    }

    @Override
    public long droppedByCapture() {
      PacketPort[] s = sockets;
      return retiredDrops[k] + (s == null ? 0 : s[k].droppedByCapture());
    }

    @Override
    public void wakeup() {
      PacketPort[] s = sockets;
      if (s != null) {
        s[k].wakeup();
      }
    }

    @Override
    public void close() {
      FanoutGroup.this.close();
    }
  }
}
