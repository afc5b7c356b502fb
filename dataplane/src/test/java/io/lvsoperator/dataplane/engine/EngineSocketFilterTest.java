package io.lvsoperator.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.SocketFilterProgram;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.testsupport.FrameGenerator;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The packet socket's filter against the engine itself (docs/architecture.md, "Socket filter"):
 * every frame the engine acts on passes it, before, during and after a configuration change, and a
 * frame it refuses is one the engine would only have left to the kernel (or dropped as malformed).
 * The kernel runs the same program; {@link BpfMachine} runs it here.
 */
class EngineSocketFilterTest {
  private static final long OUR = MacAddress.parse("02:00:00:00:00:01");
  /** The pipeline test's services; as on a node, the DIP is the kernel's own address. */
  private static final String NODE_CONFIG = EnginePipelineIT.CONFIG.replace("addresses: [198.18.0.2/24]",
      "addresses: []");
  /** The next configuration: the services on another VIP, another NAT real server. */
  private static final String NEXT_CONFIG = EnginePipelineIT.CONFIG.replace("generation: 1", "generation: 2")
      .replace("198.18.0.100", "198.18.0.101").replace("198.18.0.12, port: 80", "198.18.0.13, port: 80");
  private static final Set<String> IGNORED = Set.of("ignored", "drop:malformed");

  record Director(Engine engine, MemoryPacketPort port, ForwardingTable table, FrameOutcomes outcomes) {
    /** What the engine did with the frame. */
    List<String> handle(byte[] frame) {
      outcomes.mark(engine.counters());
      port.offer(frame);
      port.poll(engine, 1);
      port.drainSent();
      return outcomes.since(engine.counters());
    }
  }

  static Director director(String yaml, boolean nodeLike) throws Exception {
    List<Ipv4Prefix> kernel = nodeLike ? List.of(Ipv4Prefix.parse("198.18.0.2/24")) : List.of();
    ForwardingTable table = new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse(yaml),
        new InterfaceInfo("eth0", OUR, 1500, kernel));
    MemoryPacketPort port = new MemoryPacketPort();
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    Engine engine = new Engine(port, new AtomicReference<>(table), 1024, clock::get);
    engine.tick();
    return new Director(engine, port, table, new FrameOutcomes());
  }

  /** Runs generated frames for {@code d} through {@code program}; returns how many it refused. */
  static int check(Director d, ClassicBpf program, long seed, String vip) {
    FrameGenerator frames = new FrameGenerator(seed, OUR, vip, "198.18.0.2");
    int refused = 0;
    for (int i = 0; i < 1_000; i++) {
      byte[] f = frames.next();
      boolean passes = BpfMachine.run(program, f) != 0;
      List<String> outcome = d.handle(f);
      if (!passes) {
        refused++;
        assertThat(outcome).as("a frame the filter refuses (frame %d)", i).allMatch(IGNORED::contains);
      }
    }
    return refused;
  }

  @Property(tries = 30)
  void theFilterPassesEveryFrameTheEngineActsOn(@ForAll long seed, @ForAll boolean nodeLike) throws Exception {
    Director d = director(nodeLike ? NODE_CONFIG : EnginePipelineIT.CONFIG, nodeLike);
    ClassicBpf program = SocketFilterProgram.precise(List.of(d.table()));
    assertThat(check(d, program, seed, EnginePipelineIT.VIP)).as("frames for nobody were refused").isPositive();
  }

  /** While a configuration goes live the filter is for both: frames of either pass. */
  @Property(tries = 20)
  void duringAChangeTheFilterPassesWhatEitherConfigurationNeeds(@ForAll long seed) throws Exception {
    Director before = director(EnginePipelineIT.CONFIG, false);
    Director after = director(NEXT_CONFIG, false);
    ClassicBpf both = SocketFilterProgram.precise(List.of(before.table(), after.table()));
    check(before, both, seed, "198.18.0.100");
    check(after, both, seed, "198.18.0.101");
    ClassicBpf next = SocketFilterProgram.precise(List.of(after.table()));
    byte[] toOldVip = Frames.tcp(OUR, 2, "198.19.1.10", 40000, "198.18.0.100", 80, 0x02, 0);
    assertThat(BpfMachine.run(both, toOldVip)).as("the old VIP, while the change goes live").isNotZero();
    assertThat(BpfMachine.run(next, toOldVip)).as("the old VIP, once the new configuration is in force").isZero();
  }

  @Test
  void aConfigurationTooBigForTheKernelsLimitHasNoPreciseProgramAndTheWideOnePassesAllIpv4() throws Exception {
    ForwardingTable fits = manyVips(3_900);
    ClassicBpf program = SocketFilterProgram.precise(List.of(fits));
    assertThat(program).isNotNull();
    assertThat(program.length()).isLessThanOrEqualTo(ClassicBpf.MAX_INSTRUCTIONS);
    for (int i : new int[] {0, 199, 200, 201, 3_899}) {
      assertThat(BpfMachine.run(program, Frames.udp(OUR, 2, "198.19.1.10", 40000, vip(i), 53, 10)))
          .as("VIP %d of 3,900", i).isNotZero();
    }
    assertThat(BpfMachine.run(program, Frames.udp(OUR, 2, "198.19.1.10", 40000, "198.18.200.1", 53, 10))).isZero();
    assertThat(SocketFilterProgram.precise(List.of(manyVips(4_200)))).isNull();
    assertThat(BpfMachine.run(SocketFilterProgram.wide(),
        Frames.udp(OUR, 2, "198.19.1.10", 40000, "198.18.200.1", 53, 10))).isNotZero();
  }

  private static String vip(int i) {
    return "198.18." + (16 + i / 250) + "." + (1 + i % 250);
  }

  private static ForwardingTable manyVips(int n) throws Exception {
    StringBuilder yaml = new StringBuilder("generation: 1\ninterface: eth0\naddresses: [198.18.0.2/24]\nvips: [");
    for (int i = 0; i < n; i++) {
      yaml.append(i == 0 ? "" : ", ").append(vip(i));
    }
    yaml.append("]\nroutes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]\nservices:\n");
    for (int i = 0; i < n; i++) {
      yaml.append("  - {name: default/s").append(i).append(", vip: ").append(vip(i))
          .append(", port: 53, protocol: UDP, mode: DR, scheduler: rr, realServers: [{address: 198.18.0.11}]}\n");
    }
    return new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse(yaml.toString()),
        new InterfaceInfo("eth0", OUR, 1500, List.of()));
  }
}
