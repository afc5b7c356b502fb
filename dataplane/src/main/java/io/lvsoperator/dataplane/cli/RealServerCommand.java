package io.lvsoperator.dataplane.cli;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.io.AfPacketPort;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.PacketPort;
import io.lvsoperator.dataplane.kernel.Commands;
import io.lvsoperator.dataplane.realserver.RealServerSetup;
import io.lvsoperator.dataplane.realserver.TunDevice;
import io.lvsoperator.dataplane.realserver.TunnelUnwrapper;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code realserver}: prepares this host to serve a VIP in DR or TUN mode until stopped. */
@Command(name = "realserver", mixinStandardHelpOptions = true,
    description = "Prepare a real server for DR or TUN (VIP on lo, ARP suppression; TUN: user-space"
        + " IP-in-IP unwrapping) until SIGTERM/SIGINT, then undo it.")
public final class RealServerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RealServerCommand.class);
  private static final String TUN_NAME = "lvstun0";

  enum Mode { dr, tun }

  @Option(names = "--interface", paramLabel = "IF", required = true, description = "Interface facing the director.")
  String interfaceName;

  @Option(names = "--mode", required = true, description = "dr or tun.")
  Mode mode;

  @Option(names = "--vip", paramLabel = "A.B.C.D", required = true, description = "A VIP served here (repeatable).")
  List<String> vips;

  @Override
  public Integer call() throws Exception {
    for (String v : vips) {
      if (!Ipv4.isValid(v)) {
        System.err.println("lvs-dataplane realserver: --vip \"" + v + "\" is not an IPv4 address");
        return 2;
      }
    }
    RealServerSetup setup = new RealServerSetup();
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable[] teardown = {() -> {}};
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      teardown[0].run();
      setup.close();
      stopped.countDown();
    }, "shutdown"));

    setup.arpSuppression(interfaceName);
    for (String v : vips) {
      setup.vipOnLoopback(v);
    }
    if (mode == Mode.tun) {
      teardown[0] = startUnwrapping(setup);
    }
    LOG.info("real server ready on {} for {} in {} mode", interfaceName, vips, mode);
    stopped.await();
    return 0;
  }

  private Runnable startUnwrapping(RealServerSetup setup) throws Exception {
    TunDevice tun = TunDevice.open(TUN_NAME);
    Commands.run(List.of("ip", "link", "set", TUN_NAME, "up"), null);
    // tunnelled packets arrive on lvstun0 while the route to the client leaves by IF
    setup.sysctl("all", "rp_filter", "0");
    setup.sysctl(TUN_NAME, "rp_filter", "0");
    setup.sysctl(interfaceName, "rp_filter", "0");
    // the kernel has no ipip driver and would answer every tunnelled packet with
    // protocol-unreachable: hide them from it at ingress (capture still sees them)
    String table = "lvs_realserver_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
    Commands.run(List.of("nft", "-f", "-"), "table netdev " + table + " {\n  chain ingress {\n"
        + "    type filter hook ingress device \"" + interfaceName + "\" priority -500; policy accept;\n"
        + "    ip protocol 4 drop\n  }\n}\n");
    // a batched packet socket that the kernel hands IP-in-IP frames only
    // with offloads: a GRO-merged tunnelled packet is finished and handed to the TUN device whole
    PacketPort port = AfPacketPort.open(interfaceName, ClassicBpf.ipv4Protocol(Ipv4Header.PROTO_IPIP), true);
    TunnelUnwrapper unwrapper = new TunnelUnwrapper(new IntSet(vips.stream().map(Ipv4::parse).toList()), tun);
    Thread worker = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        port.poll(unwrapper, 64);
      }
    }, "unwrap-" + interfaceName);
    worker.setDaemon(true);
    worker.start();
    Thread waker = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        port.wakeup();
      }
    }, "unwrap-waker");
    waker.setDaemon(true);
    waker.start();
    return () -> {
      worker.interrupt();
      waker.interrupt();
      port.wakeup();
      try {
        worker.join(1000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      port.close();
      tun.close();
      try {
        Commands.run(List.of("nft", "delete", "table", "netdev", table), null);
      } catch (Exception e) {
        LOG.warn("real server: could not remove nft table {}: {}", table, e.getMessage());
      }
      LOG.info("real server: unwrapped {} tunnelled packets, rejected {}", unwrapper.unwrapped(), unwrapper.rejected());
    };
  }
}
