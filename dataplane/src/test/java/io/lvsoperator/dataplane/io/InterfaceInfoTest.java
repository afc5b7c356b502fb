package io.lvsoperator.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterfaceInfoTest {
  @Test
  void readsGatewayRoutesOfTheInterfaceFromProcNetRoute(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("route");
    // as the kernel prints it: hex in host (little-endian) order
    Files.writeString(table, String.join("\n",
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
        "eth0\t00000000\t010012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        "eth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        "eth0\t000013C6\tFE0012C6\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0",
        "eth1\t00000000\t010013C6\t0003\t0\t0\t0\t00000000\t0\t0\t0", ""));
    assertThat(InterfaceInfo.kernelRoutes("eth0", table)).containsExactly(
        new InterfaceInfo.KernelRoute(new Ipv4Prefix(0, 0), Ipv4.parse("198.18.0.1")),
        new InterfaceInfo.KernelRoute(new Ipv4Prefix(Ipv4.parse("198.19.0.0"), 16), Ipv4.parse("198.18.0.254")));
  }
}
