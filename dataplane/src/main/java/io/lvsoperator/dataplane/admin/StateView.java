package io.lvsoperator.dataplane.admin;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.engine.Engines;
import io.lvsoperator.dataplane.engine.EngineSnapshot;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.neigh.NeighborTable;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the /v1/state document: what ipvsadm -Ln, ip neigh and ip route would show. */
public final class StateView {
  private StateView() {}

  public static Map<String, Object> of(ForwardingTable t, Engines engine) {
    Map<String, Object> out = new LinkedHashMap<>();
    EngineSnapshot snap = engine.snapshot();
    out.put("generation", t == null ? -1 : t.generation());
    if (t == null) {
      return out;
    }
    out.put("interface", t.iface().name());
    out.put("mac", MacAddress.format(t.iface().mac()));
    out.put("mtu", t.iface().mtu());
    out.put("addresses", t.addresses().stream().map(Object::toString).toList());
    out.put("vips", t.vipList().stream().map(Ipv4::format).toList());
    // what it answers ARP for now, and what it tells its peers (docs/architecture.md, "Director liveness")
    out.put("announced", Arrays.stream(snap.announced()).mapToObj(Ipv4::format).toList());
    if (t.announce().elected()) {
      out.put("priority", snap.priority());
    }
    List<Object> services = new ArrayList<>();
    for (VirtualService s : t.serviceList()) {
      Map<String, Object> svc = new LinkedHashMap<>();
      svc.put("name", s.name());
      svc.put("vip", Ipv4.format(s.vip()));
      svc.put("port", s.port());
      svc.put("protocol", s.protocol() == 6 ? "TCP" : "UDP");
      svc.put("mode", s.mode().name());
      svc.put("persistenceSeconds", s.persistenceNanos() / 1_000_000_000L);
      List<Object> reals = new ArrayList<>();
      for (Destination d : s.destinations()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("address", Ipv4.format(d.address()));
        r.put("port", d.port());
        r.put("weight", d.weight());
        r.put("healthy", d.stats().healthy);
        r.put("activeConnections", d.stats().activeConnections());
        r.put("inactiveConnections", d.stats().inactiveConnections());
        r.put("totalConnections", d.stats().totalConnections());
        r.put("packets", d.stats().packets());
        r.put("bytes", d.stats().bytes());
        reals.add(r);
      }
      svc.put("realServers", reals);
      services.add(svc);
    }
    out.put("services", services);
    List<Object> neighbours = new ArrayList<>();
    for (NeighborTable.Entry e : snap.neighbours()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("ip", Ipv4.format(e.ip()));
      n.put("mac", e.mac() == MacAddress.NONE ? null : MacAddress.format(e.mac()));
      n.put("state", e.mac() == MacAddress.NONE ? "INCOMPLETE" : "REACHABLE");
      neighbours.add(n);
    }
    out.put("neighbours", neighbours);
    out.put("routes", t.routes().routes().stream().map(RouteTable.Route::toString).toList());
    out.put("connections", snap.connections());
    if (engine.size() > 1) {
      // how the kernel spreads the work (docs/architecture.md, "Workers")
      List<Object> workers = new ArrayList<>();
      for (Engine e : engine.all()) {
        workers.add(Map.of("connections", e.snapshot().connections(), "rxFrames", e.counters().get(Counter.RX_FRAMES)));
      }
      out.put("workers", workers);
      out.put("workerMessagesRefused", engine.messagesRefused());
    }
    Map<String, Object> counters = new LinkedHashMap<>();
    for (Counter c : Counter.values()) {
      counters.put(c.metricName(), engine.count(c));
    }
    out.put("counters", counters);
    Map<String, Object> drops = new LinkedHashMap<>();
    for (DropReason r : DropReason.values()) {
      drops.put(r.label(), engine.drops(r));
    }
    drops.put("capture", engine.droppedByCapture());
    out.put("drops", drops);
    return out;
  }
}
