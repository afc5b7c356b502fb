package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.FrameHandler;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.PacketPort;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The filter follows the configuration: both while one goes live, then the new one; degrades visibly. */
class SocketFilterTest {
  private static final String CONFIG = """
      generation: %d
      interface: eth0
      addresses: [198.18.0.2/24]
      vips: [%s]
      services:
        - {name: default/web, vip: %s, port: 80, mode: NAT, scheduler: rr, realServers: [{address: 198.18.0.11}]}
      """;

  /** A port that keeps the programs it was given and refuses those longer than {@code limit}. */
  static final class FilteringPort implements PacketPort {
    final List<ClassicBpf> programs = new ArrayList<>();
    int limit = ClassicBpf.MAX_INSTRUCTIONS;
    boolean filters = true;

    @Override
    public boolean filter(ClassicBpf program) {
      if (!filters || program != null && program.length() > limit) {
        return program == null;
      }
      programs.add(program);
      return true;
    }

    @Override
    public int poll(FrameHandler handler, int max) {
      return 0;
    }

    @Override
    public boolean send(byte[] frame, int length) {
      return true;
    }

    @Override
    public long droppedByCapture() {
      return 0;
    }

    @Override
    public void wakeup() {}

    @Override
    public void close() {}
  }

  static ForwardingTable table(int generation, String vip) throws Exception {
    return new ConfigCompiler(new StatsRegistry()).compile(
        DirectorSpecReader.parse(CONFIG.formatted(generation, vip, vip)), new InterfaceInfo("eth0", 2, 1500, List.of()));
  }

  static boolean passes(ClassicBpf program, String vip) {
    return BpfMachine.run(program, Frames.tcp(2, 3, "198.19.1.10", 40000, vip, 80, 0x02, 0)) != 0;
  }

  @Test
  void whileAConfigurationGoesLiveBothPassThenOnlyTheNewOne() throws Exception {
    FilteringPort port = new FilteringPort();
    SocketFilter filter = new SocketFilter(port, "eth0");
    ForwardingTable first = table(1, "198.18.0.100");
    filter.prepare(first);
    filter.inForce(first);
    ForwardingTable second = table(2, "198.18.0.101");
    filter.prepare(second);
    ClassicBpf during = port.programs.get(port.programs.size() - 1);
    assertThat(passes(during, "198.18.0.100")).isTrue();
    assertThat(passes(during, "198.18.0.101")).isTrue();
    filter.inForce(second);
    ClassicBpf after = port.programs.get(port.programs.size() - 1);
    assertThat(passes(after, "198.18.0.100")).isFalse();
    assertThat(passes(after, "198.18.0.101")).isTrue();
    assertThat(filter.active()).isTrue();
    assertThat(filter.wide()).isFalse();
    assertThat(filter.addresses()).as("VIP, DIP, two groups, real server").isEqualTo(5);
  }

  @Test
  void aProgramTheKernelRefusesDegradesToTheWideOneVisibly() throws Exception {
    FilteringPort port = new FilteringPort();
    port.limit = SocketFilterProgram.wide().length();
    SocketFilter filter = new SocketFilter(port, "eth0");
    ForwardingTable t = table(1, "198.18.0.100");
    filter.prepare(t);
    filter.inForce(t);
    assertThat(filter.wide()).isTrue();
    ClassicBpf installed = port.programs.get(port.programs.size() - 1);
    assertThat(passes(installed, "198.18.77.1")).as("all IPv4: nothing needed is lost").isTrue();
    port.limit = ClassicBpf.MAX_INSTRUCTIONS;
    filter.inForce(t);
    assertThat(filter.wide()).as("precise again once the kernel takes it").isFalse();
  }

  @Test
  void aPortWithoutFiltersPassesEverything() throws Exception {
    FilteringPort port = new FilteringPort();
    port.filters = false;
    SocketFilter filter = new SocketFilter(port, "eth0");
    filter.inForce(table(1, "198.18.0.100"));
    assertThat(filter.active()).isFalse();
    assertThat(filter.wide()).isFalse();
  }
}
