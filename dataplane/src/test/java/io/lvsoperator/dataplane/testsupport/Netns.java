package io.lvsoperator.dataplane.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for one test run: unique names, commands run inside them with time bounds,
 * and on close every process started stopped by PID and every namespace deleted by name, also
 * when the JVM exits early. Nothing here touches the root namespace's links, addresses or routes.
 */
public final class Netns implements AutoCloseable {
  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  private static final int MAX_NAME_LENGTH = 15;

  private final String prefix;
  private final Path workDir;
  private final List<String> created = new ArrayList<>();
  private final List<LabProcess> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::cleanUp, "netns-cleanup");

  public Netns(String tag) throws IOException {
    this.prefix = tag + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "-";
    this.workDir = Files.createTempDirectory("lvs-" + tag);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** True when this JVM can make namespaces (root, iproute2 present). */
  public static boolean available() {
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
          && "root".equals(System.getProperty("user.name"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Path workDir() {
    return workDir;
  }

  /** The full name of the namespace called {@code role} in this run. */
  public String name(String role) {
    return prefix + role;
  }

  public String add(String role) {
    String ns = name(role);
    if (ns.length() > MAX_NAME_LENGTH) {
      // short names keep every derived name (veth peers, logs) within IFNAMSIZ
      throw new IllegalArgumentException("namespace name " + ns + " is longer than " + MAX_NAME_LENGTH);
    }
    host("ip", "netns", "add", ns);
    created.add(ns);
    exec(role, "ip", "link", "set", "lo", "up");
    return ns;
  }

  /** Runs a command in the namespace {@code role}; returns its output, throws when it fails. */
  public String exec(String role, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name(role)));
    cmd.addAll(Arrays.asList(command));
    return run(cmd, true);
  }

  /** Like {@link #exec} but returns the output whatever the exit code. */
  public String execQuiet(String role, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name(role)));
    cmd.addAll(Arrays.asList(command));
    return run(cmd, false);
  }

  /** Runs an `ip` command that names namespaces itself (links between them). */
  public String host(String... command) {
    return run(Arrays.asList(command), true);
  }

  private String run(List<String> cmd, boolean check) {
    Path out = null;
    try {
      // output goes to a file, so that a command that hangs cannot block us past the timeout
      out = Files.createTempFile("netns-cmd", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT_SECONDS + " s: " + String.join(" ", cmd)
            + ": " + new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
      }
      String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
      if (check && p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file
        }
      }
    }
  }

  /** Starts a long-running command in the namespace; stopped at {@link #close()} at the latest. */
  public LabProcess spawn(String role, String label, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name(role)));
    cmd.addAll(Arrays.asList(command));
    Path log = workDir.resolve(label + "-" + processes.size() + ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      LabProcess lp = new LabProcess(label, p, log);
      processes.add(lp);
      return lp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void cleanUp() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop();
    }
    processes.clear();
    for (int i = created.size() - 1; i >= 0; i--) {
      run(List.of("ip", "netns", "del", created.get(i)), false);
    }
    created.clear();
    if (!Boolean.getBoolean("lvs.keepLabFiles")) {
      try (var files = Files.walk(workDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // best effort: a temp directory
      }
    }
  }

  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook is running this
    }
  }
}
