package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.FanoutGroup;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The group's program follows the configuration as the socket filter does: while a table goes
 * live it places the frames of both tables, then of the new one alone; a program the kernel
 * refuses sends every frame to worker 0, visibly, until one fits again.
 */
class FanoutSteeringTest {
  static final long MAC = 2;
  static final long PEER = 3;
  final List<MemoryPacketPort> sockets = new ArrayList<>();

  FanoutGroup group() throws Exception {
    return FanoutGroup.open("eth0", 2, () -> {
      MemoryPacketPort p = new MemoryPacketPort();
      sockets.add(p);
      return p;
    }, () -> {});
  }

  static ForwardingTable table(String vip) throws Exception {
    return new ConfigCompiler(new StatsRegistry(2)).compile(DirectorSpecReader.parse("""
        addresses: [198.18.0.2/24]
        vips: [%s]
        services:
          - {name: default/web, vip: %s, port: 80, mode: DR, scheduler: rr, realServers: [{address: 198.18.0.11}]}
        """.formatted(vip, vip)), new InterfaceInfo("eth0", MAC, 1500, List.of()));
  }

  /** The worker, of two, the program last set sends a client's SYN to {@code vip} to. */
  int workerOf(String client, int port, String vip) {
    List<ClassicBpf> programs = sockets.get(0).fanoutPrograms();
    ClassicBpf last = programs.get(programs.size() - 1);
    return Integer.remainderUnsigned(BpfMachine.runFromNetworkHeader(last,
        Frames.tcp(MAC, PEER, client, port, vip, 80, 0x02, 0)), 2);
  }

  /** A client port of 198.19.0.9 that the hash gives worker 1. */
  static int portOfWorkerOne() {
    int p = 40000;
    while (FanoutHash.worker(Frames.ip("198.19.0.9"), p, 2) != 1) {
      p++;
    }
    return p;
  }

  @Test
  void whileATableGoesLiveBothTablesVipsAreSpreadThenOnlyTheNewOnes() throws Exception {
    FanoutSteering steering = new FanoutSteering(group(), "eth0");
    int port = portOfWorkerOne();
    ForwardingTable first = table("198.18.0.100");
    steering.prepare(first);
    steering.inForce(first);
    assertThat(workerOf("198.19.0.9", port, "198.18.0.100")).isEqualTo(1);
    ForwardingTable next = table("198.18.0.101");
    steering.prepare(next);
    assertThat(workerOf("198.19.0.9", port, "198.18.0.100")).as("the table in force still").isEqualTo(1);
    assertThat(workerOf("198.19.0.9", port, "198.18.0.101")).as("the one going live already").isEqualTo(1);
    steering.inForce(next);
    assertThat(workerOf("198.19.0.9", port, "198.18.0.100")).as("gone: worker 0's").isZero();
    assertThat(workerOf("198.19.0.9", port, "198.18.0.101")).isEqualTo(1);
    assertThat(steering.single()).isFalse();
  }

  @Test
  void aProgramTheKernelRefusesSendsEverythingToWorkerZeroUntilOneFits() throws Exception {
    FanoutSteering steering = new FanoutSteering(group(), "eth0");
    int port = portOfWorkerOne();
    ForwardingTable t = table("198.18.0.100");
    sockets.get(0).filterLimit(5); // the kernel takes only the shortest programs now
    steering.inForce(t);
    assertThat(steering.single()).isTrue();
    assertThat(workerOf("198.19.0.9", port, "198.18.0.100")).isZero();
    sockets.get(0).filterLimit(ClassicBpf.MAX_INSTRUCTIONS);
    steering.inForce(t);
    assertThat(steering.single()).isFalse();
    assertThat(workerOf("198.19.0.9", port, "198.18.0.100")).isEqualTo(1);
  }
}
