package io.lvsoperator.dataplane.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * tcpdump on one interface of a lab namespace, writing a pcap file: started and waited for until
 * it says "listening on", stopped with SIGINT by its PID, its packets counted from the file.
 */
public final class PacketCapture implements AutoCloseable {
  private final Netns ns;
  private final String role;
  private final String label;
  private final String filter;
  private final Path file;
  private final LabProcess process;

  private PacketCapture(Netns ns, String role, String label, String filter, Path file, LabProcess process) {
    this.ns = ns;
    this.role = role;
    this.label = label;
    this.filter = filter;
    this.file = file;
    this.process = process;
  }

  /** Starts capturing {@code filter} (pcap-filter syntax) on {@code iface} in namespace {@code role}. */
  public static PacketCapture start(Netns ns, String role, String iface, String label, String filter) {
    Path file = ns.workDir().resolve(label + "-" + System.nanoTime() + ".pcap");
    LabProcess p = ns.spawn(role, label, "tcpdump", "-i", iface, "-nn", "-U", "--immediate-mode", "-w",
        file.toString(), filter);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> p.output().contains("listening on") || !p.alive());
    if (!p.alive()) {
      throw new IllegalStateException("tcpdump " + label + " (" + filter + ") did not start: " + p.output());
    }
    return new PacketCapture(ns, role, label, filter, file, p);
  }

  public String label() {
    return label;
  }

  /** Ends the capture (SIGINT, tcpdump flushes the file) and returns the number of packets in it. */
  public int stopAndCount() {
    process.interrupt();
    return frames().size();
  }

  /** The frames written so far (all of them once stopped). */
  public List<PcapFile.Frame> frames() {
    try {
      if (!Files.exists(file) || Files.size(file) < 24) {
        return List.of();
      }
      return PcapFile.parse(Files.readAllBytes(file)).frames();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code maxLines} packets as tcpdump prints them, for diagnostics. */
  public String summary(int maxLines) {
    String text = ns.execQuiet(role, "tcpdump", "-nn", "-r", file.toString());
    List<String> lines = text.lines().filter(l -> !l.startsWith("reading from")).toList();
    StringBuilder out = new StringBuilder(label + " [" + filter + "] " + lines.size() + " packets");
    lines.stream().limit(maxLines).forEach(l -> out.append("\n  ").append(l));
    if (lines.size() > maxLines) {
      out.append("\n  ...");
    }
    return out.toString();
  }

  @Override
  public void close() {
    process.interrupt();
  }
}
