package io.lvsoperator.dataplane.control;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecValidator;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.kernel.KernelGuard;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies configurations: compile, set up the kernel guard, swap the table in. A configuration
 * that fails at any step leaves the running one in force; an identical one is skipped.
 */
public final class ConfigApplier {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigApplier.class);

  private InterfaceInfo iface;
  private final AtomicReference<ForwardingTable> tables;
  private final ConfigCompiler compiler;
  private final Consumer<ForwardingTable> kernel;
  private final Consumer<ForwardingTable> inForce;
  private long failures;
  private String lastRejection;

  /**
   * @param kernel prepares the kernel for a table before it goes live (the {@link KernelGuard});
   *     throws {@link UncheckedIOException} when it cannot
   */
  public ConfigApplier(InterfaceInfo iface, AtomicReference<ForwardingTable> tables, Consumer<ForwardingTable> kernel) {
    this(iface, tables, kernel, t -> {});
  }

  /** @param inForce told of each table once it is live (the {@link SocketFilter} narrows to it) */
  public ConfigApplier(InterfaceInfo iface, AtomicReference<ForwardingTable> tables, Consumer<ForwardingTable> kernel,
      Consumer<ForwardingTable> inForce) {
    this(iface, tables, kernel, inForce, 1);
  }

  /** @param workers the engine workers the tables serve: each counts in its own stripe of a real server's counters */
  public ConfigApplier(InterfaceInfo iface, AtomicReference<ForwardingTable> tables, Consumer<ForwardingTable> kernel,
      Consumer<ForwardingTable> inForce, int workers) {
    this.compiler = new ConfigCompiler(new StatsRegistry(workers));
    this.iface = iface;
    this.tables = tables;
    this.kernel = kernel;
    this.inForce = inForce;
  }

  /** Applies {@code spec}; returns false (and logs why) when it was rejected. */
  public synchronized boolean apply(DirectorSpec spec) {
    ForwardingTable current = tables.get();
    if (current != null && current.spec().equals(spec)) {
      lastRejection = null;
      return true;
    }
    // a file was validated on reading; a Director from the API server is checked here
    java.util.List<String> violations = DirectorSpecValidator.validate(spec);
    if (!violations.isEmpty()) {
      rejected(spec.generation(), String.join("; ", violations));
      return false;
    }
    try {
      ForwardingTable next = compiler.compile(spec, iface, current);
      kernel.accept(next);
      tables.set(next);
      inForce.accept(next);
      compiler.committed();
      lastRejection = null;
      LOG.info("director {} applied generation {}: {} services, {} VIPs", iface.name(), spec.generation(),
          next.serviceList().size(), next.vipList().size());
      return true;
    } catch (InvalidConfigurationException e) {
      rejected(spec.generation(), e.getMessage());
    } catch (UncheckedIOException e) {
      rejected(spec.generation(), "kernel setup failed: " + e.getCause().getMessage());
    }
    return false;
  }

  /** The interface as the table in force was compiled for. */
  public synchronized InterfaceInfo iface() {
    return iface;
  }

  /**
   * The interface changed under the running director (MTU, MAC, addresses, a link that came
   * back): the configuration in force is compiled again for it and swapped in; connections stay.
   */
  public synchronized boolean interfaceChanged(InterfaceInfo now) {
    InterfaceInfo before = iface;
    ForwardingTable current = tables.get();
    if (current == null) {
      iface = now;
      return true;
    }
    try {
      ForwardingTable next = compiler.compile(current.spec(), now, current);
      kernel.accept(next);
      tables.set(next);
      inForce.accept(next);
      compiler.committed();
      // only now: a change that failed is seen again by the watcher and retried
      iface = now;
      LOG.info("director {} recompiled generation {} for its interface: MTU {} -> {}, {} kernel addresses",
          now.name(), current.generation(), before.mtu(), now.mtu(), now.kernelAddresses().size());
      return true;
    } catch (InvalidConfigurationException e) {
      rejected(current.generation(), "after an interface change: " + e.getMessage());
    } catch (UncheckedIOException e) {
      rejected(current.generation(), "kernel setup failed after an interface change: " + e.getCause().getMessage());
    }
    return false;
  }

  /** Installs the kernel side of the table in force again (the kernel lost it). */
  public synchronized boolean reinstallKernel() {
    ForwardingTable current = tables.get();
    if (current == null) {
      return true;
    }
    try {
      kernel.accept(current);
      LOG.info("director {} reinstalled its kernel guard for generation {}", iface.name(), current.generation());
      return true;
    } catch (UncheckedIOException e) {
      failures++;
      LOG.error("director {} could not reinstall its kernel guard: {}", iface.name(), e.getCause().getMessage());
      return false;
    }
  }

  /** Notes a configuration that could not be used at all (unreadable, invalid). */
  public synchronized void rejected(long generation, String why) {
    failures++;
    lastRejection = "generation " + generation + ": " + why;
    ForwardingTable current = tables.get();
    LOG.error("director {} rejected generation {}, keeping {}: {}", iface.name(), generation,
        current == null ? "nothing (not forwarding yet)" : "generation " + current.generation(), why);
  }

  /** Why the latest configuration was refused, or null when the latest is in force. */
  public synchronized String lastRejection() {
    return lastRejection;
  }

  public synchronized long failures() {
    return failures;
  }

  /** A kernel step that failed; carries the IOException through the Consumer. */
  public static final class UncheckedIOException extends RuntimeException {
    public UncheckedIOException(IOException cause) {
      super(cause);
    }
  }

  /** Adapts {@link KernelGuard#apply} to the kernel hook. */
  public static Consumer<ForwardingTable> guardedBy(KernelGuard guard) {
    return t -> {
      try {
        guard.apply(t);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
