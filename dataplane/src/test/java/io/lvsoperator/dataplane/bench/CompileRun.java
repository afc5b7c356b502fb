package io.lvsoperator.dataplane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One dataplane's compile of a full configuration, in a JVM of its own so its heap is its own:
 * the first compile (a dataplane starting: until the table can be swapped in, and until its
 * Maglev tables are all filled), then five recompiles of the same configuration with
 * the previous table (what a change costs), and the heap in use after a full collection with the
 * table and an engine with its connection table of the configured size in memory.
 * Usage: CompileRun SPEC.json. Prints one JSON line.
 */
public final class CompileRun {
  private CompileRun() {}

  public static void main(String[] args) throws Exception {
    DirectorSpec spec = new ObjectMapper().readValue(Path.of(args[0]).toFile(), DirectorSpec.class);
    InterfaceInfo iface = new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500,
        List.of(Ipv4Prefix.parse("198.18.255.2/16")));
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    long t = System.nanoTime();
    ForwardingTable table = compiler.compile(spec, iface);
    compiler.committed();
    double first = (System.nanoTime() - t) / 1e6;
    // in force from here; its Maglev tables are filled in the background: until when
    compiler.fillTablesNow();
    double filled = (System.nanoTime() - t) / 1e6;
    List<Double> again = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      t = System.nanoTime();
      table = compiler.compile(spec.withGeneration(spec.generation() + 1 + i), iface, table);
      compiler.committed();
      again.add((System.nanoTime() - t) / 1e6);
    }
    Collections.sort(again);
    AtomicReference<ForwardingTable> tables = new AtomicReference<>(table);
    Engine engine = new Engine(new MemoryPacketPort(), tables, spec.connectionTable().maxEntries(), System::nanoTime);
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.printf("{\"services\": %d, \"compileMs\": %.0f, \"tablesFilledMs\": %.0f, \"recompileMs\": %.0f,"
        + " \"heapMiB\": %d}%n", table.serviceList().size(), first, filled, again.get(2), heap / (1024 * 1024));
    java.lang.ref.Reference.reachabilityFence(engine); // measured with the engine in memory
    java.lang.ref.Reference.reachabilityFence(tables);
  }
}
