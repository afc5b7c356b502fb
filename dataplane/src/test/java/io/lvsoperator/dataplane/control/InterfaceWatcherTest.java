package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The interface as the watcher reads it, changed under a running director. */
class InterfaceWatcherTest {
  static final long MAC = MacAddress.parse("02:00:00:00:00:01");

  final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  final List<ForwardingTable> kernelSetups = new ArrayList<>();
  final AtomicInteger kernelFailures = new AtomicInteger();
  final AtomicInteger announcements = new AtomicInteger();
  final AtomicBoolean kernelHolds = new AtomicBoolean(true);
  InterfaceInfo now = new InterfaceInfo("eth0", MAC, 1500, List.of(Ipv4Prefix.parse("198.18.0.2/24")));
  String linkProblem;

  final InterfaceWatcher.InterfaceReader reader = new InterfaceWatcher.InterfaceReader() {
    @Override
    public InterfaceInfo read(String name) {
      return now;
    }

    @Override
    public String linkProblem(String name) {
      return linkProblem;
    }
  };

  InterfaceWatcher started() throws Exception {
    ConfigApplier applier = new ConfigApplier(now, tables, t -> {
      if (kernelFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ConfigApplier.UncheckedIOException(new java.io.IOException("nft: busy"));
      }
      kernelSetups.add(t);
    });
    assertThat(applier.apply(DirectorSpecReader.parse("""
        generation: 3
        interface: eth0
        vips: [198.18.0.100]
        services:
          - {vip: 198.18.0.100, port: 443, mode: TUN, realServers: [{address: 198.18.0.11}]}
        """))).isTrue();
    return new InterfaceWatcher("eth0", applier, kernelHolds::get, announcements::incrementAndGet, reader);
  }

  @Test
  void anMtuChangeRecompilesTheConfigurationInForce() throws Exception {
    InterfaceWatcher w = started();
    w.run();
    assertThat(w.changes()).isZero();
    now = new InterfaceInfo("eth0", MAC, 1400, now.kernelAddresses());
    w.run();
    assertThat(w.changes()).isEqualTo(1);
    assertThat(tables.get().iface().mtu()).isEqualTo(1400);
    assertThat(tables.get().generation()).isEqualTo(3);
    assertThat(kernelSetups).hasSize(2);
  }

  /** A recompile that failed (the kernel step refused) is tried again at the next look. */
  @Test
  void aChangeThatCouldNotBeAppliedIsRetried() throws Exception {
    InterfaceWatcher w = started();
    kernelFailures.set(1);
    now = new InterfaceInfo("eth0", MAC, 1400, now.kernelAddresses());
    w.run();
    assertThat(tables.get().iface().mtu()).as("still the old table").isEqualTo(1500);
    w.run();
    assertThat(tables.get().iface().mtu()).isEqualTo(1400);
  }

  @Test
  void anAddressChangeRecompilesAndALinkThatComesBackIsAnnouncedAgain() throws Exception {
    InterfaceWatcher w = started();
    linkProblem = "interface eth0 link is down";
    w.run();
    assertThat(w.linkProblem()).contains("down");
    assertThat(announcements).hasValue(0);
    linkProblem = null;
    now = new InterfaceInfo("eth0", MAC, 1500, List.of(Ipv4Prefix.parse("198.18.0.3/24")));
    w.run();
    assertThat(w.linkProblem()).isNull();
    assertThat(announcements).hasValue(1);
    assertThat(tables.get().iface().kernelAddresses()).containsExactly(Ipv4Prefix.parse("198.18.0.3/24"));
  }

  @Test
  void aKernelGuardTheKernelLostIsInstalledAgain() throws Exception {
    InterfaceWatcher w = started();
    kernelHolds.set(false);
    w.run();
    assertThat(kernelSetups).hasSize(2);
    assertThat(kernelSetups.get(1)).isSameAs(tables.get());
  }
}
