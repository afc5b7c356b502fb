package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.LinkState;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the director's interface once a second, off the packet thread: an MTU, MAC or address
 * change recompiles the configuration in force for the interface as it now is; a link that comes
 * back up has the VIPs announced again; a kernel guard the kernel lost (nft ended) is installed
 * again. It also tells /healthz whether the link is up.
 */
public final class InterfaceWatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(InterfaceWatcher.class);

  private final String name;
  private final ConfigApplier applier;
  private final BooleanSupplier kernelHolds;
  private final Runnable reannounce;
  private final InterfaceReader reader;
  private volatile String linkProblem;
  private volatile long changes;

  /** Reads the interface and its link state; the tests pass their own. */
  public interface InterfaceReader {
    InterfaceInfo read(String name) throws IOException;

    /** Null when the link is up, else why not. */
    String linkProblem(String name);
  }

  static final InterfaceReader SYSTEM = new InterfaceReader() {
    @Override
    public InterfaceInfo read(String name) throws IOException {
      return InterfaceInfo.read(name);
    }

    @Override
    public String linkProblem(String name) {
      return LinkState.problem(name);
    }
  };

  /**
   * @param kernelHolds whether the kernel guard of the table in force is installed
   * @param reannounce asks the engine for gratuitous ARP for every VIP
   */
  public InterfaceWatcher(String name, ConfigApplier applier, BooleanSupplier kernelHolds, Runnable reannounce) {
    this(name, applier, kernelHolds, reannounce, SYSTEM);
  }

  InterfaceWatcher(String name, ConfigApplier applier, BooleanSupplier kernelHolds, Runnable reannounce,
      InterfaceReader reader) {
    this.name = name;
    this.applier = applier;
    this.kernelHolds = kernelHolds;
    this.reannounce = reannounce;
    this.reader = reader;
  }

  @Override
  public void run() {
    try {
      check();
    } catch (RuntimeException e) {
      // a scheduled task that throws is never run again: log, and look again next time
      LOG.error("director {}: interface check failed", name, e);
    }
  }

  private void check() {
    String problem = reader.linkProblem(name);
    String before = linkProblem;
    linkProblem = problem;
    if (problem != null) {
      if (before == null) {
        LOG.warn("director {}: {}", name, problem);
      }
      return;
    }
    InterfaceInfo now;
    try {
      now = reader.read(name);
    } catch (IOException e) {
      linkProblem = e.getMessage();
      return;
    }
    if (!now.equals(applier.iface())) {
      changes++;
      LOG.info("director {}: interface changed (MTU {}, addresses {})", name, now.mtu(), now.kernelAddresses());
      applier.interfaceChanged(now);
    }
    if (!kernelHolds.getAsBoolean()) {
      applier.reinstallKernel();
    }
    if (before != null) {
      LOG.info("director {}: link up again ({}); announcing the VIPs", name, before);
      reannounce.run();
    }
  }

  /** Null when the link is up, else why not. */
  public String linkProblem() {
    return linkProblem;
  }

  /** Interface changes seen (MTU, MAC, addresses). */
  public long changes() {
    return changes;
  }
}
