package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.FanoutGroup;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the program that spreads frames over the engine workers in step with the configuration
 * (docs/architecture.md, "Workers"), as {@link SocketFilter} keeps the filter: before a table goes
 * live the program places the frames of it and of the table in force, once it is in force of it
 * alone; the kernel replaces the program in one step. A configuration too big for the program, or
 * a program the kernel refuses, sends every frame to worker 0 ({@link FanoutProgram#single}),
 * logged and shown by {@link #single()}: new connections are served, by one worker.
 */
public final class FanoutSteering {
  private static final Logger LOG = LoggerFactory.getLogger(FanoutSteering.class);

  private final FanoutGroup group;
  private final String interfaceName;
  private ForwardingTable live;
  private volatile boolean single;

  public FanoutSteering(FanoutGroup group, String interfaceName) {
    this.group = group;
    this.interfaceName = interfaceName;
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
    ClassicBpf precise = FanoutProgram.precise(tables);
    if (precise != null && group.program(precise)) {
      if (single) {
        LOG.info("director {}: frames are spread over its {} engine workers again", interfaceName, group.size());
      }
      single = false;
      return;
    }
    group.program(FanoutProgram.single());
    if (!single) {
      LOG.warn("director {}: the configuration is too big for the fanout program ({} instructions at most) or the"
          + " kernel refused it: every frame goes to worker 0 (lvs_fanout_single 1)", interfaceName,
          ClassicBpf.MAX_INSTRUCTIONS);
    }
    single = true;
  }

  /** Whether every frame goes to worker 0. */
  public boolean single() {
    return single;
  }
}
