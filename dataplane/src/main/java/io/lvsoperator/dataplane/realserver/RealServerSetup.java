package io.lvsoperator.dataplane.realserver;

import io.lvsoperator.dataplane.kernel.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a real server for DR or TUN and undoes it: the VIPs on loopback (so the kernel
 * accepts packets to them and answers from them), ARP suppression so that only the director
 * answers for the VIP (arp_ignore=1, arp_announce=2), and relaxed reverse-path filtering where
 * tunnelled packets arrive on another interface than the route back.
 */
public final class RealServerSetup implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RealServerSetup.class);
  private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/conf");

  private final Map<Path, String> previous = new LinkedHashMap<>();
  private final List<String> addedVips = new ArrayList<>();

  /** Sets a sysctl under net.ipv4.conf, remembering its old value for {@link #close()}. */
  public void sysctl(String device, String key, String value) throws IOException {
    Path p = SYSCTL.resolve(device).resolve(key);
    String old = Files.readString(p).trim();
    previous.putIfAbsent(p, old);
    Files.writeString(p, value);
  }

  public void arpSuppression(String interfaceName) throws IOException {
    for (String dev : List.of("all", interfaceName)) {
      sysctl(dev, "arp_ignore", "1");
      sysctl(dev, "arp_announce", "2");
    }
  }

  public void vipOnLoopback(String vip) throws IOException {
    String existing = Commands.run(List.of("ip", "-4", "-o", "addr", "show", "dev", "lo"), null);
    if (existing.contains(" " + vip + "/32")) {
      return;
    }
    Commands.run(List.of("ip", "addr", "add", vip + "/32", "dev", "lo"), null);
    addedVips.add(vip);
    LOG.info("real server: VIP {} added to lo", vip);
  }

  @Override
  public void close() {
    for (String vip : addedVips) {
      try {
        Commands.run(List.of("ip", "addr", "del", vip + "/32", "dev", "lo"), null);
      } catch (IOException e) {
        LOG.warn("real server: could not remove VIP {} from lo: {}", vip, e.getMessage());
      }
    }
    previous.forEach((p, v) -> {
      try {
        if (Files.exists(p)) {
          Files.writeString(p, v);
        }
      } catch (IOException e) {
        LOG.warn("real server: could not restore {}: {}", p, e.getMessage());
      }
    });
    LOG.info("real server: settings restored");
  }
}
