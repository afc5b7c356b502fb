package io.lvsoperator.dataplane.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system tool (nft, ip, sysctl) with a time bound and fails with its message. */
public final class Commands {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Commands() {}

  /** Runs {@code command} with {@code stdin} (may be null); returns stdout or throws with stderr. */
  public static String run(List<String> command, String stdin) throws IOException {
    return run(command, stdin, TIMEOUT);
  }

  /**
   * As {@link #run(List, String)}, bounded by {@code timeout}. The output goes to files rather
   * than pipes: a tool that hangs (or a child that keeps a pipe open) cannot block this thread in
   * a read before the bound is checked.
   */
  static String run(List<String> command, String stdin, Duration timeout) throws IOException {
    File out = File.createTempFile("lvs-cmd", ".out");
    File err = File.createTempFile("lvs-cmd", ".err");
    Process p = null;
    try {
      p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out after " + timeout.toMillis() + " ms");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": " + Files.readString(err.toPath()).trim());
      }
      return Files.readString(out.toPath());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    } finally {
      out.delete();
      err.delete();
    }
  }
}
