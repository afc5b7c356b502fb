package io.lvsoperator.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.testsupport.FrameGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever arrives on the wire, the engine gives it exactly one outcome (forwarded, answered,
 * consumed, left to the kernel, or dropped with a counted reason), throws nothing, and keeps its
 * tables within their bounds. Frames come from {@link FrameGenerator}: built with their structure
 * and valid checksums, so that every stage is reached; the paths reached are checked at the end.
 * The long run (10^6 frames and more) is {@code dataplane/bench/fuzz.sh}.
 */
class EngineFuzzTest {
  private static final long OUR = MacAddress.parse("02:00:00:00:00:01");
  static final int CAPACITY = 256;
  private static final Set<String> REACHED = new ConcurrentSkipListSet<>();

  /** A fresh engine on the pipeline test's configuration (DR, NAT, TUN, UDP NAT, persistence). */
  static Engine engine(MemoryPacketPort port, AtomicLong clock) throws Exception {
    AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    tables.set(new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse(EnginePipelineIT.CONFIG),
        new InterfaceInfo("eth0", OUR, 1500, List.of())));
    Engine engine = new Engine(port, tables, CAPACITY, clock::get);
    engine.tick();
    return engine;
  }

  /**
   * Runs {@code frames} generated frames through one engine, with time moving on; returns the
   * outcomes reached. Throws AssertionError on a frame with other than one outcome, or a table
   * past its bound.
   */
  static Map<String, Long> run(long seed, int frames) throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    Engine engine = engine(port, clock);
    FrameGenerator generator = new FrameGenerator(seed, OUR, EnginePipelineIT.VIP, EnginePipelineIT.DIP);
    FrameOutcomes outcomes = new FrameOutcomes();
    Map<String, Long> reached = new TreeMap<>();
    for (int i = 0; i < frames; i++) {
      byte[] frame = generator.next();
      outcomes.mark(engine.counters());
      port.offer(frame);
      port.poll(engine, 1);
      List<String> got = outcomes.since(engine.counters());
      if (got.size() != 1) {
        throw new AssertionError("frame " + i + " of seed " + seed + " had outcomes " + got + ": "
            + java.util.HexFormat.of().formatHex(frame));
      }
      reached.merge(got.get(0), 1L, Long::sum);
      if (i % 64 == 0) {
        clock.addAndGet(50_000_000L + (i % 7) * 400_000_000L);
        engine.tick();
      }
      port.drainSent();
      assertThat(engine.connections().size()).isLessThanOrEqualTo(CAPACITY);
      assertThat(engine.snapshot().neighbours().size()).isLessThanOrEqualTo(Engine.NEIGHBOUR_CAPACITY * 2);
    }
    return reached;
  }

  @Property(tries = 150)
  void everyFrameHasExactlyOneOutcome(@ForAll long seed) throws Exception {
    REACHED.addAll(run(seed, 400).keySet());
  }

  /** The paths the generated frames must reach, checked once all tries have run. */
  static final Set<String> MUST_REACH = Set.of("forwarded_dr", "forwarded_nat", "forwarded_tun", "nat_replies",
      "arp_replies_sent", "icmp_echo_replies_sent", "arp_replies_received", "ignored", "drop:malformed",
      "drop:bad_ip_checksum", "drop:bad_l4_checksum", "drop:ip_fragment", "drop:unsupported_protocol",
      "drop:no_service", "drop:no_connection", "drop:ttl_expired", "drop:to_director", "drop:bad_arp_sender");

  @AfterContainer
  static void everyPathWasReached() {
    assertThat(REACHED).as("outcomes reached by the generated frames").containsAll(MUST_REACH);
  }

  @Property(tries = 2000)
  void neverThrowsOnRandomFrames(
      @ForAll @Size(max = 120) byte[] body, @ForAll @IntRange(min = 0, max = 3) int shape) throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    Engine engine = engine(port, new AtomicLong(1_000_000_000L));
    // shapes steer random bytes past the first checks: ours + IPv4, ours + ARP, IPv4 to the VIP
    byte[] frame = new byte[14 + body.length];
    System.arraycopy(body, 0, frame, 14, body.length);
    if (shape >= 1) {
      Ethernet.setDestination(frame, OUR);
      Bytes.put16(frame, 12, shape == 2 ? Ethernet.TYPE_ARP : Ethernet.TYPE_IPV4);
    }
    if (shape == 3 && frame.length >= 34) {
      frame[14] = 0x45;
      Bytes.put32(frame, 30, io.lvsoperator.api.net.Ipv4.parse("198.18.0.100"));
    }
    FrameOutcomes outcomes = new FrameOutcomes();
    outcomes.mark(engine.counters());
    port.offer(frame);
    port.poll(engine, 1);
    assertThat(engine.counters().get(Counter.RX_FRAMES)).isEqualTo(1);
    assertThat(outcomes.since(engine.counters())).hasSize(1);
  }
}
