package io.lvsoperator.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.testsupport.Frames;
import io.lvsoperator.dataplane.testsupport.InNamespace;
import io.lvsoperator.dataplane.testsupport.Netns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packet socket itself on a real veth pair inside a namespace of its own, at the interfaces'
 * defaults (offloads on, MTU raised for jumbo frames): what its receive ring hands over, in what
 * order, what it does when full, closing under a poll, and a link that goes away
 * (docs/architecture.md, "Packet I/O").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AfPacketPortIT {
  private static final long A = Frames.mac("02:00:00:00:00:0a");
  private static final long B = Frames.mac("02:00:00:00:00:0b");

  private Netns ns;
  private InNamespace inside;
  private AfPacketPort sender;
  private AfPacketPort receiver;

  @BeforeEach
  void link() throws Exception {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    ns = new Netns("afp");
    ns.add("p");
    // no IPv6 on the links: the kernel's own frames on a new link would share the ring with the test's
    ns.exec("p", "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    ns.exec("p", "ip", "link", "add", "name", "va", "type", "veth", "peer", "name", "vb");
    ns.exec("p", "ip", "link", "set", "dev", "va", "address", "02:00:00:00:00:0a", "mtu", "9000", "up");
    ns.exec("p", "ip", "link", "set", "dev", "vb", "address", "02:00:00:00:00:0b", "mtu", "9000", "up");
    inside = new InNamespace(ns.name("p"));
    sender = inside.call(() -> AfPacketPort.open("va"));
    receiver = inside.call(() -> AfPacketPort.open("vb"));
    assertThat(receiver.ringMapped()).as("the kernel gave the socket its receive ring").isTrue();
  }

  @AfterEach
  void close() {
    if (sender != null) {
      sender.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (inside != null) {
      inside.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  @Test
  void handsOverFramesOfEverySizeInTheOrderTheyCame() {
    List<byte[]> sent = new ArrayList<>();
    List<Offload> offloads = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Offload o = new Offload();
      byte[] f;
      switch (i % 5) {
        case 0 -> f = udp(i, 18); // the shortest frame on the wire
        case 1 -> f = udp(i, 1472); // a full 1,500-byte packet: fits a slot
        case 2 -> f = udp(i, 8972); // a jumbo frame: larger than a slot, comes through the socket's queue
        case 3 -> {
          // a TSO super-frame of 20 segments: also larger than a slot, and keeps its GSO metadata
          f = Frames.superFrame(B, A, "198.18.0.1", 40000 + i, "198.18.0.2", 80, 20 * 1448, 1448, o);
        }
        default -> f = udp(i, 3000);
      }
      sent.add(f);
      offloads.add(o);
      assertThat(sender.send(f, f.length, o.none() ? Offload.NONE : o)).isTrue();
    }
    sender.flush();

    Received got = receiveAtLeast(sent.size(), 10_000);

    assertThat(got.frames).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      assertThat(got.frames.get(i)).as("frame %d (%d bytes)", i, sent.get(i).length).isEqualTo(sent.get(i));
      if (offloads.get(i).gso()) {
        assertThat(got.offloads.get(i).gso()).as("frame %d came as a super-frame", i).isTrue();
        assertThat(got.offloads.get(i).gsoSize()).isEqualTo(1448);
      }
    }
    assertThat(receiver.droppedByCapture()).isZero();
  }

  /**
   * The kernel takes the fanout program (docs/architecture.md, "Workers") and runs it as
   * {@code FanoutProgramTest} does: from the IPv4 header, its result modulo the sockets. Each frame
   * reaches the one socket of the group the program names, both directions of a NAT connection
   * the same one.
   */
  @Test
  void aFanoutGroupHandsEachFrameToTheSocketItsProgramNames() throws Exception {
    io.lvsoperator.dataplane.control.ForwardingTable table = new io.lvsoperator.dataplane.control.ConfigCompiler(
        new io.lvsoperator.dataplane.control.StatsRegistry()).compile(
        io.lvsoperator.api.v1alpha1.DirectorSpecReader.parse("""
            generation: 1
            interface: vb
            addresses: [198.18.0.2/24]
            vips: [198.18.0.101]
            services:
              - {name: default/nat, vip: 198.18.0.101, port: 80, mode: NAT, scheduler: rr,
                 realServers: [{address: 198.18.0.11}]}
            """), new InterfaceInfo("vb", B, 9000, List.of()));
    AfPacketPort[] workers = new AfPacketPort[2];
    try {
      // as FanoutGroup does: the first socket creates the group, the kernel picking its id
      int group = 0;
      for (int w = 0; w < workers.length; w++) {
        workers[w] = inside.call(() -> AfPacketPort.open("vb"));
        if (w == 0) {
          group = workers[w].createFanout();
        } else {
          workers[w].joinFanout(group);
        }
      }
      AfPacketPort other = inside.call(() -> AfPacketPort.open("vb"));
      try {
        assertThat(other.createFanout()).as("another group gets an id of its own").isNotEqualTo(group);
      } finally {
        other.close();
      }
      assertThat(workers[1].fanoutProgram(io.lvsoperator.dataplane.control.FanoutProgram.precise(List.of(table))))
          .as("the kernel takes the program").isTrue();
      List<List<String>> expected = List.of(new ArrayList<>(), new ArrayList<>());
      for (int i = 0; i < 40; i++) {
        String client = "198.19." + (i * 7 % 256) + "." + (1 + i);
        int port = 40000 + i * 13;
        int worker = io.lvsoperator.dataplane.control.FanoutHash.worker(Frames.ip(client), port, workers.length);
        byte[] syn = Frames.tcp(B, A, client, port, "198.18.0.101", 80, 0x02, 0);
        byte[] reply = Frames.tcp(B, A, "198.18.0.11", 80, client, port, 0x12, 0);
        sender.send(syn, syn.length, Offload.NONE);
        sender.send(reply, reply.length, Offload.NONE);
        expected.get(worker).add(client + ":" + port + ">");
        expected.get(worker).add(">" + client + ":" + port);
      }
      byte[] arp = Frames.arp(Frames.mac("ff:ff:ff:ff:ff:ff"), A, 1, A, "198.18.0.1", 0, "198.18.0.101");
      sender.send(arp, arp.length, Offload.NONE);
      expected.get(0).add("arp");
      sender.flush();
      for (int w = 0; w < workers.length; w++) {
        List<String> got = new ArrayList<>();
        AfPacketPort port = workers[w];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.size() < expected.get(w).size() && System.nanoTime() < deadline) {
          port.poll((frame, length) -> describe(frame, length, got), 64);
        }
        assertThat(got).as("worker %d", w).containsExactlyInAnyOrderElementsOf(expected.get(w));
      }
      assertThat(expected.get(0)).as("both workers get some").hasSizeGreaterThan(1);
      assertThat(expected.get(1)).isNotEmpty();
    } finally {
      for (AfPacketPort w : workers) {
        if (w != null) {
          w.close();
        }
      }
    }
  }

  /** The test's frames as "client:port>" (to the VIP), ">client:port" (a reply) or "arp". */
  private static void describe(byte[] frame, int length, List<String> into) {
    if (length >= 42 && Bytes.u16(frame, 12) == 0x0806) {
      into.add("arp");
    } else if (length >= 54 && Bytes.u16(frame, 12) == 0x0800 && frame[23] == 6) {
      int src = Bytes.i32(frame, 26);
      int dst = Bytes.i32(frame, 30);
      if (dst == Frames.ip("198.18.0.101")) {
        into.add(io.lvsoperator.api.net.Ipv4.format(src) + ":" + Bytes.u16(frame, 34) + ">");
      } else if (src == Frames.ip("198.18.0.11")) {
        into.add(">" + io.lvsoperator.api.net.Ipv4.format(dst) + ":" + Bytes.u16(frame, 36));
      }
    }
  }

  @Test
  void countsWhatAFullRingDropsAndFlowsAgainOnceRead() throws Exception {
    int total = ReceiveRing.SLOTS + 2_000;
    for (int i = 0; i < total; i++) {
      byte[] f = udp(i, 18);
      sender.send(f, f.length);
    }
    sender.flush();
    TimeUnit.MILLISECONDS.sleep(200);

    Received got = receiveAtLeast(total, 2_000);

    assertThat(got.frames.size()).isLessThanOrEqualTo(ReceiveRing.SLOTS).isGreaterThan(ReceiveRing.SLOTS / 2);
    assertThat(got.frames.size() + receiver.droppedByCapture()).as("every frame received or counted").isEqualTo(total);
    assertThat(got.sequence()).isSorted().doesNotHaveDuplicates();

    for (int i = 0; i < 10; i++) {
      byte[] f = udp(total + i, 18);
      sender.send(f, f.length);
    }
    sender.flush();
    Received after = receiveAtLeast(10, 5_000);
    assertThat(after.sequence()).containsExactly(
        IntStream.range(total, total + 10).boxed().toArray(Integer[]::new));
  }

  /**
   * Busy polling: for a while after a frame the port looks at its ring again at once, with no
   * sleep in poll(2) (and so no wake-up to pay for the next frame); past that it sleeps again, and
   * without it it sleeps as soon as the ring is empty.
   */
  @Test
  void busyPollingLooksAgainWithoutSleepingForAWhileAfterAFrame() throws Exception {
    receiver.busyPoll(TimeUnit.SECONDS.toNanos(1));
    byte[] f = udp(1, 18);
    sender.send(f, f.length);
    sender.flush();
    assertThat(receiveAtLeast(1, 5_000).frames).hasSize(1);
    long waits = receiver.waits();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    int turns = 0;
    while (System.nanoTime() < end) {
      assertThat(receiver.poll((fr, l) -> {}, 64)).isZero();
      turns++;
    }
    assertThat(receiver.waits()).as("sleeps in %d empty polls within the busy window", turns).isEqualTo(waits);

    TimeUnit.MILLISECONDS.sleep(1_100);
    receiver.poll((fr, l) -> {}, 64);
    assertThat(receiver.waits()).as("past the window the port sleeps again").isEqualTo(waits + 1);

    receiver.busyPoll(0);
    sender.send(f, f.length);
    sender.flush();
    assertThat(receiveAtLeast(1, 5_000).frames).hasSize(1);
    waits = receiver.waits();
    receiver.poll((fr, l) -> {}, 64);
    assertThat(receiver.waits()).as("without busy polling an empty ring is slept on at once").isEqualTo(waits + 1);
  }

  @Test
  void closingWhileAnotherThreadPollsEndsThatPollQuietly() throws Exception {
    for (int round = 0; round < 20; round++) {
      AfPacketPort port = inside.call(() -> AfPacketPort.open("vb"));
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread poller = new Thread(() -> {
        try {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (!stop.get() && System.nanoTime() < end) {
            port.poll((f, l) -> {}, 64);
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      poller.start();
      for (int i = 0; i < 50; i++) {
        byte[] f = udp(i, 18);
        sender.send(f, f.length);
      }
      sender.flush();
      TimeUnit.MILLISECONDS.sleep(round % 4 * 5);
      port.close(); // the poller goes on polling the closed port until told to stop
      TimeUnit.MILLISECONDS.sleep(20);
      stop.set(true);
      poller.join(10_000);
      assertThat(poller.isAlive()).isFalse();
      assertThat(failure.get()).isNull();
      assertThat(port.poll((f, l) -> {}, 64)).isZero();
    }
  }

  @Test
  void aLinkThatGoesAwayFailsThePoll() {
    assertThat(receiver.poll((f, l) -> {}, 64)).isZero();
    ns.exec("p", "ip", "link", "del", "dev", "va");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    assertThatThrownBy(() -> {
      while (System.nanoTime() < end) {
        receiver.poll((f, l) -> {}, 64);
      }
    }).isInstanceOf(PortFailedException.class);
  }

  private static byte[] udp(int sequence, int payload) {
    byte[] f = Frames.udp(B, A, "198.18.0.1", 5000, "198.18.0.2", 9, payload);
    Bytes.put32(f, 42, sequence);
    Bytes.put16(f, 40, 0); // no checksum (allowed for UDP over IPv4): the sequence changed the payload
    return f;
  }

  private Received receiveAtLeast(int count, long millis) {
    Received got = new Received();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (got.frames.size() < count && System.nanoTime() < end) {
      receiver.poll(got, 64);
    }
    return got;
  }

  /** Copies of what the port handed over, with their offloads. */
  private static final class Received implements FrameHandler {
    final List<byte[]> frames = new ArrayList<>();
    final List<Offload> offloads = new ArrayList<>();

    @Override
    public void onFrame(byte[] frame, int length) {
      onFrame(frame, length, Offload.NONE);
    }

    @Override
    public void onFrame(byte[] frame, int length, Offload offload) {
      if (length < 42 || Bytes.u16(frame, 12) != 0x0800 || Bytes.u16(frame, 26) != Frames.ip("198.18.0.1") >>> 16) {
        return; // not one of the test's frames
      }
      frames.add(Arrays.copyOf(frame, length));
      offloads.add(new Offload().copyFrom(offload));
    }

    List<Integer> sequence() {
      List<Integer> s = new ArrayList<>();
      for (byte[] f : frames) {
        s.add(Bytes.i32(f, 42));
      }
      return s;
    }
  }
}
