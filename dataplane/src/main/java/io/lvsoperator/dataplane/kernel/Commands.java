package io.lvsoperator.dataplane.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system tool (nft, ip, sysctl) with a time bound and fails with its message. */
public final class Commands {
  private static final long TIMEOUT_SECONDS = 10;

  private Commands() {}

  /** Runs {@code command} with {@code stdin} (may be null); returns stdout or throws with stderr. */
  public static String run(List<String> command, String stdin) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    Process p = pb.start();
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": " + new String(err, StandardCharsets.UTF_8).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
  }
}
