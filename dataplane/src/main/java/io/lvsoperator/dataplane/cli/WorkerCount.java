package io.lvsoperator.dataplane.cli;

import picocli.CommandLine;

/**
 * How many engine workers `run` starts: a number given with {@code --workers N}, or {@code auto}
 * (the default), which takes half the CPUs this process may use, at most {@link #AUTO_MAX}
 * (docs/architecture.md, "Workers").
 *
 * <p>Half, because on the 2-core machine of docs/benchmarks.md the director took about half the
 * whole path's CPU per packet (the rest is the kernel's softirq work, such as the receive into the
 * ring, and the other processes), and two workers forwarded less than one. At most eight, because a pod without a CPU limit sees every core of its
 * node, and each worker takes a thread, a 16 MiB receive ring and a fixed share of the connection
 * table; give a number for more.
 */
record WorkerCount(boolean auto, int given) {
  static final WorkerCount AUTO = new WorkerCount(true, 0);
  static final int AUTO_MAX = 8;

  static WorkerCount of(int n) {
    return new WorkerCount(false, n);
  }

  /** The workers to run with packet I/O that has a fanout (afpacket) or not, on {@code cpus} CPUs. */
  int resolve(boolean fanout, int cpus) {
    if (!auto) {
      return given;
    }
    return fanout ? Math.max(1, Math.min(AUTO_MAX, cpus / 2)) : 1;
  }

  /** Why {@link #resolve} chose what it did, for the start-up log line. */
  String reason(boolean fanout, int cpus) {
    if (!auto) {
      return "--workers " + given;
    }
    if (!fanout) {
      return "auto: pcap has no fanout";
    }
    return "auto: half of the " + cpus + " CPU" + (cpus == 1 ? "" : "s") + " this process may use, at most "
        + AUTO_MAX + "; the rest is left to the kernel's packet work";
  }

  @Override
  public String toString() {
    return auto ? "auto" : Integer.toString(given);
  }

  /** Parses {@code auto} or a whole number; the range is checked by the command, with its own message. */
  static final class Converter implements CommandLine.ITypeConverter<WorkerCount> {
    @Override
    public WorkerCount convert(String value) {
      if (value.trim().equalsIgnoreCase("auto")) {
        return AUTO;
      }
      try {
        return of(Integer.parseInt(value.trim()));
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("--workers takes auto or a number, not '" + value + "'");
      }
    }
  }
}
