package io.lvsoperator.dataplane.health;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.HealthCheckSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every health probe on one thread with non-blocking sockets, as keepalived's checkers do: a
 * slow or silent real server holds a socket until its timeout, never a thread. Probes queue per
 * service and start round-robin across services, each service with at most
 * {@link #PER_SERVICE} in flight and all with at most {@link #IN_FLIGHT}, so one tenant's probes
 * (a thousand real servers that never answer, the longest timeout) cannot delay another's.
 */
final class ProbeLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);
  static final int PER_SERVICE = 16;
  static final int IN_FLIGHT = 256;
  /** "HTTP/1.1 200": enough of the status line to judge it. */
  private static final int STATUS_BYTES = 12;

  /** One probe to run: where, how, and whom to tell (on the probe thread). */
  record Probe(String service, HealthCheckSpec spec, int address, int port, Consumer<Boolean> done) {}

  private final class Running {
    final Probe probe;
    final SocketChannel channel;
    final long deadline;
    final ByteBuffer request;
    final ByteBuffer status = ByteBuffer.allocate(STATUS_BYTES);

    Running(Probe probe, SocketChannel channel, long deadline) {
      this.probe = probe;
      this.channel = channel;
      this.deadline = deadline;
      this.request = "http".equals(probe.spec().type())
          ? ByteBuffer.wrap(("GET " + probe.spec().path() + " HTTP/1.0\r\nHost: " + Ipv4.format(probe.address())
              + "\r\nUser-Agent: lvs-dataplane\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII))
          : null;
    }
  }

  private final Selector selector;
  private final Thread thread;
  private final Object lock = new Object();
  // guarded by lock: what waits, per service, in arrival order
  private final Map<String, ArrayDeque<Probe>> waiting = new LinkedHashMap<>();
  // probe thread only
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final List<Running> running = new ArrayList<>();
  private volatile boolean open = true;

  ProbeLoop() throws IOException {
    selector = Selector.open();
    thread = new Thread(this::loop, "health-probes");
    thread.setDaemon(true);
    thread.start();
  }

  void submit(Probe p) {
    synchronized (lock) {
      waiting.computeIfAbsent(p.service(), s -> new ArrayDeque<>()).add(p);
    }
    selector.wakeup();
  }

  private void loop() {
    while (open) {
      try {
        startWaiting();
        long now = System.nanoTime();
        long wait = 1_000;
        for (Running r : running) {
          wait = Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(r.deadline - now) + 1));
        }
        selector.select(wait);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey k = keys.next();
          keys.remove();
          step((Running) k.attachment(), k);
        }
        expire(System.nanoTime());
      } catch (IOException | RuntimeException e) {
        // one bad probe must not end them all
        LOG.warn("health probes: {}", e.toString());
      }
    }
  }

  /** Starts waiting probes round-robin over services, within the caps. */
  private void startWaiting() {
    boolean started = true;
    while (started && running.size() < IN_FLIGHT) {
      started = false;
      List<Probe> batch = new ArrayList<>();
      synchronized (lock) {
        List<Map.Entry<String, ArrayDeque<Probe>>> served = new ArrayList<>();
        Iterator<Map.Entry<String, ArrayDeque<Probe>>> it = waiting.entrySet().iterator();
        while (it.hasNext() && running.size() + batch.size() < IN_FLIGHT) {
          Map.Entry<String, ArrayDeque<Probe>> e = it.next();
          if (inFlight.getOrDefault(e.getKey(), 0) >= PER_SERVICE) {
            continue;
          }
          batch.add(e.getValue().poll());
          inFlight.merge(e.getKey(), 1, Integer::sum);
          it.remove();
          if (!e.getValue().isEmpty()) {
            served.add(Map.entry(e.getKey(), e.getValue()));
          }
        }
        // a service just served goes to the back: the next free slot is another service's turn
        served.forEach(e -> waiting.put(e.getKey(), e.getValue()));
      }
      for (Probe p : batch) {
        start(p);
        started = true;
      }
    }
  }

  private void start(Probe p) {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.configureBlocking(false);
    } catch (IOException e) {
      close(ch);
      done(p, false);
      return;
    }
    Running r = new Running(p, ch, System.nanoTime() + TimeUnit.SECONDS.toNanos(p.spec().timeoutSeconds()));
    running.add(r);
    try {
      if (ch.connect(new InetSocketAddress(Ipv4.format(p.address()), p.port()))) {
        connected(r, ch.register(selector, 0, r));
      } else {
        ch.register(selector, SelectionKey.OP_CONNECT, r);
      }
    } catch (IOException | RuntimeException e) {
      // whatever went wrong, the probe ends: its check must not wait for ever
      finish(r, false);
    }
  }

  private void step(Running r, SelectionKey k) {
    try {
      if (k.isConnectable()) {
        r.channel.finishConnect();
        connected(r, k);
      } else if (k.isWritable()) {
        r.channel.write(r.request);
        if (!r.request.hasRemaining()) {
          k.interestOps(SelectionKey.OP_READ);
        }
      } else if (k.isReadable()) {
        if (r.channel.read(r.status) < 0 || !r.status.hasRemaining()) {
          finish(r, statusOk(r.status));
        }
      }
    } catch (IOException e) {
      finish(r, false);
    }
  }

  private void connected(Running r, SelectionKey k) {
    if (r.request == null) {
      finish(r, true);
    } else {
      k.interestOps(SelectionKey.OP_WRITE);
    }
  }

  /** keepalived's HTTP_GET: a 2xx or 3xx status line. */
  static boolean statusOk(ByteBuffer status) {
    if (status.position() < STATUS_BYTES) {
      return false;
    }
    String line = new String(status.array(), 0, STATUS_BYTES, StandardCharsets.US_ASCII);
    char klass = line.charAt(9);
    return line.startsWith("HTTP/") && (klass == '2' || klass == '3');
  }

  private void expire(long now) {
    for (Running r : new ArrayList<>(running)) {
      if (now - r.deadline >= 0) {
        finish(r, false);
      }
    }
  }

  private void finish(Running r, boolean ok) {
    if (!running.remove(r)) {
      return;
    }
    close(r.channel);
    done(r.probe, ok);
  }

  private void done(Probe p, boolean ok) {
    inFlight.merge(p.service(), -1, Integer::sum);
    try {
      p.done().accept(ok);
    } catch (RuntimeException e) {
      LOG.warn("health probe of {} on {}:{}: {}", p.service(), Ipv4.format(p.address()), p.port(), e.toString());
    }
  }

  private static void close(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
    }
  }

  @Override
  public void close() {
    open = false;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Running r : running) {
      close(r.channel);
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}
