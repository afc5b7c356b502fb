package io.lvsoperator.dataplane.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A process a test started (in a namespace), its output in a file, stopped by its own PID. */
public final class LabProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  LabProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Everything it printed so far (stdout and stderr). */
  public String output() {
    try {
      return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for it to end by itself; false on timeout. */
  public boolean waitFor(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last {@code chars} characters of its output, for diagnostics. */
  public String tail(int chars) {
    String all = output();
    return all.length() <= chars ? all : "..." + all.substring(all.length() - chars);
  }

  /**
   * SIGINT to its PID (tcpdump then flushes its file and prints its statistics), then {@link
   * #stop()} if it has not ended within 5 seconds; returns the exit code.
   */
  public int interrupt() {
    if (process.isAlive()) {
      try {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
            .redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        // falls through to stop()
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!waitFor(5)) {
        return stop();
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** SIGKILL, as the OOM killer or {@code kill -9} does: no shutdown hook runs. */
  public void kill() {
    process.destroyForcibly();
    waitFor(5);
  }

  /** SIGTERM, then SIGKILL if it has not ended within 10 seconds; returns the exit code. */
  public int stop() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(10)) {
        process.destroyForcibly();
        waitFor(5);
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    stop();
  }
}
