package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.PacketPort;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the director's packet socket filter in step with the configuration (docs/architecture.md,
 * "Socket filter"): before a table goes live the socket passes what it or the table in force
 * needs, once it is in force what it alone needs; the kernel replaces a filter atomically, so no
 * needed frame is ever held back. A configuration too big for the kernel's filter, or a filter the
 * kernel refuses, degrades to ARP and all IPv4 ({@link SocketFilterProgram#wide}), logged and
 * shown by {@link #wide()}; a port that cannot filter (pcap) passes everything.
 */
public final class SocketFilter {
  private static final Logger LOG = LoggerFactory.getLogger(SocketFilter.class);

  private final List<PacketPort> ports;
  private final String interfaceName;
  private ForwardingTable live;
  private volatile boolean wide;
  private volatile int addresses;
  private volatile boolean active;

  public SocketFilter(PacketPort port, String interfaceName) {
    this(List.of(port), interfaceName);
  }

  /** The same filter on the socket of every engine worker. */
  public SocketFilter(List<? extends PacketPort> ports, String interfaceName) {
    this.ports = List.copyOf(ports);
    this.interfaceName = interfaceName;
  }

  /** True when every socket took {@code program}. */
  private boolean filterAll(ClassicBpf program) {
    boolean all = true;
    for (PacketPort p : ports) {
      all &= p.filter(program);
    }
    return all;
  }

  /** Before {@code next} goes live. */
  public synchronized void prepare(ForwardingTable next) {
    install(live == null ? List.of(next) : List.of(live, next));
  }

  /** {@code next} is in force. */
  public synchronized void inForce(ForwardingTable next) {
    live = next;
    install(List.of(next));
  }

  private void install(List<ForwardingTable> tables) {
    ClassicBpf precise = SocketFilterProgram.precise(tables);
    int count = SocketFilterProgram.addresses(tables);
    boolean installed = precise != null && filterAll(precise);
    boolean degraded = !installed && filterAll(SocketFilterProgram.wide());
    if (!installed && !degraded) {
      // a port without filters (pcap), or none accepted: nothing filtered, nothing lost
      filterAll(null);
      if (active) {
        LOG.warn("director {}: the packet socket takes no filter now; every frame reaches the dataplane",
            interfaceName);
      }
      active = false;
      wide = false;
      return;
    }
    if (degraded && !wide) {
      LOG.warn("director {}: {} addresses are too many for the packet socket's filter ({} instructions at most)"
          + " or the kernel refused it: ARP and all IPv4 reach the dataplane (lvs_socket_filter_wide 1)",
          interfaceName, count, ClassicBpf.MAX_INSTRUCTIONS);
    } else if (installed && (wide || !active)) {
      LOG.info("director {}: the packet socket passes only the dataplane's frames ({} addresses)", interfaceName,
          count);
    }
    active = true;
    wide = degraded;
    addresses = count;
  }

  /** Whether the socket passes ARP and all IPv4 rather than only the configuration's addresses. */
  public boolean wide() {
    return wide;
  }

  /** Whether a filter is attached at all. */
  public boolean active() {
    return active;
  }

  /** Addresses in the filter in force. */
  public int addresses() {
    return addresses;
  }
}
