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
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever arrives on the wire, the engine answers with counters, never an exception. */
class EngineFuzzTest {
  private static final long OUR = MacAddress.parse("02:00:00:00:00:01");

  @Property(tries = 2000)
  void neverThrowsOnRandomFrames(
      @ForAll @Size(max = 120) byte[] body, @ForAll @IntRange(min = 0, max = 3) int shape) throws Exception {
    MemoryPacketPort port = new MemoryPacketPort();
    AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    tables.set(new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse(EnginePipelineIT.CONFIG),
        new InterfaceInfo("eth0", OUR, 1500, List.of())));
    Engine engine = new Engine(port, tables, 64, System::nanoTime);
    engine.tick();
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
    port.offer(frame);
    port.poll(engine, 1);
    assertThat(engine.counters().get(Counter.RX_FRAMES)).isEqualTo(1);
  }
}
