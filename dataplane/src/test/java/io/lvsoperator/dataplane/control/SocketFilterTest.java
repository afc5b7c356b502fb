package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.testsupport.Frames;
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

  static ForwardingTable table(int generation, String vip) throws Exception {
    return new ConfigCompiler(new StatsRegistry()).compile(
        DirectorSpecReader.parse(CONFIG.formatted(generation, vip, vip)), new InterfaceInfo("eth0", 2, 1500, List.of()));
  }

  static boolean passes(ClassicBpf program, String vip) {
    return BpfMachine.run(program, Frames.tcp(2, 3, "198.19.1.10", 40000, vip, 80, 0x02, 0)) != 0;
  }

  static ClassicBpf last(MemoryPacketPort port) {
    List<ClassicBpf> installed = port.filters();
    return installed.get(installed.size() - 1);
  }

  @Test
  void whileAConfigurationGoesLiveBothPassThenOnlyTheNewOne() throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    SocketFilter filter = new SocketFilter(port, "eth0");
    ForwardingTable first = table(1, "198.18.0.100");
    filter.prepare(first);
    filter.inForce(first);
    ForwardingTable second = table(2, "198.18.0.101");
    filter.prepare(second);
    ClassicBpf during = last(port);
    assertThat(passes(during, "198.18.0.100")).isTrue();
    assertThat(passes(during, "198.18.0.101")).isTrue();
    filter.inForce(second);
    ClassicBpf after = last(port);
    assertThat(passes(after, "198.18.0.100")).isFalse();
    assertThat(passes(after, "198.18.0.101")).isTrue();
    assertThat(filter.active()).isTrue();
    assertThat(filter.wide()).isFalse();
    assertThat(filter.addresses()).as("VIP, DIP, two groups, real server").isEqualTo(5);
  }

  @Test
  void aProgramTheKernelRefusesDegradesToTheWideOneVisibly() throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    port.filterLimit(SocketFilterProgram.wide().length());
    SocketFilter filter = new SocketFilter(port, "eth0");
    ForwardingTable t = table(1, "198.18.0.100");
    filter.prepare(t);
    filter.inForce(t);
    assertThat(filter.wide()).isTrue();
    ClassicBpf installed = last(port);
    assertThat(passes(installed, "198.18.77.1")).as("all IPv4: nothing needed is lost").isTrue();
    port.filterLimit(ClassicBpf.MAX_INSTRUCTIONS);
    filter.inForce(t);
    assertThat(filter.wide()).as("precise again once the kernel takes it").isFalse();
  }

  @Test
  void aPortWithoutFiltersPassesEverything() throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    port.filterLimit(0);
    SocketFilter filter = new SocketFilter(port, "eth0");
    filter.inForce(table(1, "198.18.0.100"));
    assertThat(filter.active()).isFalse();
    assertThat(filter.wide()).isFalse();
  }
}
