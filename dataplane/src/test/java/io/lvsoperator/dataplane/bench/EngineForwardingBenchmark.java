package io.lvsoperator.dataplane.bench;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.mac;
import static io.lvsoperator.dataplane.testsupport.Frames.udp;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.io.FrameHandler;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.PacketPort;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's own cost per forwarded frame, without any packet I/O: a 60-byte UDP frame of one of
 * 1024 flows (as the namespace benchmark's trafgen sends) goes through classify, connection table,
 * scheduler, DR/NAT/TUN rewrite, route and neighbour lookup into a port that only counts. What this
 * measures is the ceiling the Java pipeline puts on the packet rate, apart from the I/O path that
 * dataplane/bench/compare.sh measures. Run with dataplane/bench/engine.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class EngineForwardingBenchmark {
  private static final long OUR = mac("02:00:00:00:00:01");
  private static final long ROUTER = mac("02:00:00:00:00:fe");
  private static final int FLOWS = 1024;

  @Param({"DR", "NAT", "TUN"})
  public String mode;

  private Engine engine;
  private CountingPort port;
  private byte[][] templates;
  private final byte[] frame = new byte[2048];
  private int next;

  /** A port that only counts what the engine sends. */
  static final class CountingPort implements PacketPort {
    long sent;

    @Override
    public int poll(FrameHandler handler, int max) {
      return 0;
    }

    @Override
    public boolean send(byte[] frame, int length) {
      sent++;
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

  @Setup(Level.Trial)
  public void start() throws Exception {
    String yaml = """
        generation: 1
        interface: eth0
        addresses: [198.18.0.2/24]
        vips: [198.18.0.100]
        routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
        services:
          - {name: bench/udp, vip: 198.18.0.100, port: 9, protocol: UDP, mode: %s, scheduler: rr,
             realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
        """.formatted(mode);
    AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    port = new CountingPort();
    engine = new Engine(port, tables, 1 << 20, System::nanoTime);
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    tables.set(compiler.compile(DirectorSpecReader.parse(yaml),
        new InterfaceInfo("eth0", OUR, 1500, List.of())));
    compiler.committed();
    engine.tick();
    for (String[] n : new String[][] {{"198.18.0.11", "02:00:00:00:00:11"}, {"198.18.0.12", "02:00:00:00:00:12"},
        {"198.18.0.1", "02:00:00:00:00:fe"}}) {
      byte[] reply = arp(OUR, mac(n[1]), Arp.OP_REPLY, mac(n[1]), n[0], OUR, "198.18.0.2");
      engine.onFrame(reply, reply.length);
    }
    templates = new byte[FLOWS][];
    for (int i = 0; i < FLOWS; i++) {
      templates[i] = udp(OUR, ROUTER, "198.19.1.10", 10_000 + i, "198.18.0.100", 9, 18);
    }
    // every flow once, so the timed frames hit established connections as a steady stream does
    for (int i = 0; i < FLOWS; i++) {
      forwardOne();
    }
    if (port.sent < FLOWS) {
      throw new IllegalStateException(mode + ": the engine forwarded " + port.sent + " of " + FLOWS + " frames");
    }
  }

  @Benchmark
  public long forwardOne() {
    byte[] t = templates[next];
    next = next + 1 == FLOWS ? 0 : next + 1;
    // the engine rewrites the frame in place, so each round starts from the frame as received
    System.arraycopy(t, 0, frame, 0, t.length);
    engine.onFrame(frame, t.length);
    return port.sent;
  }
}
