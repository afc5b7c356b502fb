package io.lvsoperator.dataplane.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code nft -i} process fed one command line at a time. A table created with
 * {@code flags owner} belongs to this process's netlink socket: the kernel removes it when the
 * process ends, also when the dataplane is killed with SIGKILL (nft's stdin closes and it exits),
 * so no stale rule outlives its dataplane. Each line is one nft transaction: all of it or nothing.
 *
 * <p>nft -i prints nothing on success and its errors on stderr. After each command a sentinel
 * command that always prints ({@code describe}) tells when nft has finished; whatever stderr
 * holds by then is that command's error.
 */
final class NftSession implements AutoCloseable {
  private static final String SENTINEL = "describe ip version";
  private static final String SENTINEL_REPLY = "payload expression";
  private static final String EXITED = "\u0000exited";

  private final Duration timeout;
  private volatile long starts;
  private Process process;
  private OutputStream stdin;
  private InputStream stderr;
  private BlockingQueue<String> stdout;

  NftSession(Duration timeout) {
    this.timeout = timeout;
  }

  /** Runs one command line (one transaction); throws with nft's message when it was refused. */
  synchronized void run(String line) throws IOException {
    if (line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("one line is one transaction: " + line);
    }
    start();
    drain();
    try {
      stdin.write((line + "\n" + SENTINEL + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      awaitSentinel();
    } catch (IOException e) {
      stop();
      throw e;
    }
    byte[] err = stderr.readNBytes(stderr.available());
    if (err.length > 0) {
      throw new IOException("nft: " + new String(err, StandardCharsets.UTF_8).strip());
    }
  }

  /** How many nft processes this session has started: a new one owns none of the old one's tables. */
  long starts() {
    return starts;
  }

  /** True while nft runs: the tables it owns exist only as long. */
  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  private void start() throws IOException {
    if (alive()) {
      return;
    }
    stop();
    process = new ProcessBuilder("nft", "-i").start();
    starts++;
    stdin = process.getOutputStream();
    stderr = process.getErrorStream();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    stdout = lines;
    Process started = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(started.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (IOException e) {
        // the process ended: the queue says so below
      }
      lines.add(EXITED);
    }, "nft-session");
    reader.setDaemon(true);
    reader.start();
  }

  private void awaitSentinel() throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String l;
      try {
        l = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("nft: interrupted", e);
      }
      if (l == null) {
        throw new IOException("nft: no answer within " + timeout.toMillis() + " ms");
      }
      if (l.equals(EXITED)) {
        String err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8).strip();
        throw new IOException("nft exited" + (err.isEmpty() ? "" : ": " + err));
      }
      if (l.startsWith(SENTINEL_REPLY)) {
        return;
      }
    }
  }

  /** Throws away output left from an earlier command that timed out. */
  private void drain() throws IOException {
    stdout.removeIf(l -> !l.equals(EXITED));
    stderr.skip(stderr.available());
  }

  private void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      process = null;
    }
  }

  /** Ends nft: the tables it owns go with it. */
  @Override
  public synchronized void close() {
    if (process != null) {
      try {
        stdin.close();
      } catch (IOException e) {
        // ends anyway below
      }
      stop();
    }
  }
}
