package io.lvsoperator.operator.status;

import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.RealServerStatus;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceStatus;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.Backend;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place that turns what the operator knows into a VirtualService's status: Accepted
 * (valid and not in conflict), Programmed (every live director applied a configuration
 * containing it), Ready (its VIP's director is live and at least one real server is ready).
 */
public final class VirtualServiceStatusBuilder {
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";
  public static final String READY = "Ready";

  /** Whether the directors run this VirtualService's latest change, and if not why. */
  public record Programming(boolean programmed, Reason reason, String message) {}

  private VirtualServiceStatusBuilder() {}

  /**
   * @param owner the node first in line to announce the VIP, or null
   * @param ownerDirector that node's Director while it is live, else null
   * @param claims the VIP:port/protocol an accepted VirtualService now holds; a refused one keeps
   *     what it held (a typo must not hand its address to someone else)
   */
  public static VirtualServiceStatus build(
      VirtualService vs, Reason admission, String admissionMessage, List<Backend> backends,
      Programming programming, String owner, Director ownerDirector, List<String> claims, Clock clock) {
    long generation = vs.getMetadata().getGeneration() == null ? 0 : vs.getMetadata().getGeneration();
    VirtualServiceStatus old = vs.getStatus();
    Conditions c = new Conditions(old == null ? null : old.getConditions(), generation, clock);
    boolean accepted = admission == Reason.Accepted;
    c.set(ACCEPTED, accepted, admission.name(), admissionMessage);

    if (!accepted) {
      c.set(PROGRAMMED, false, Reason.NotAccepted.name(), "not accepted: " + admissionMessage);
    } else {
      c.set(PROGRAMMED, programming.programmed(), programming.reason().name(), programming.message());
    }

    List<Backend> seen = RealServerHealthView.apply(vs, backends, ownerDirector);
    long readyBackends = seen.stream().filter(Backend::ready).count();
    if (!accepted) {
      c.set(READY, false, Reason.NotAccepted.name(), "not accepted");
    } else if (owner == null) {
      c.set(READY, false, Reason.NoReadyDirector.name(), "no ready director announces " + vs.getSpec().getVip());
    } else if (ownerDirector == null) {
      c.set(READY, false, Reason.DirectorNotReady.name(), "director " + owner
          + " is not live (its Lease lapsed, or it does not report Ready)");
    } else if (readyBackends == 0) {
      c.set(READY, false, Reason.NoBackends.name(), "no ready real server");
    } else {
      c.set(READY, true, Reason.Ready.name(), readyBackends + " of " + seen.size() + " real servers ready on " + owner);
    }

    VirtualServiceStatus s = new VirtualServiceStatus();
    s.setConditions(c.build());
    s.setObservedGeneration(generation);
    s.setDirector(owner);
    s.setPorts(vs.getSpec() == null || vs.getSpec().getPorts() == null ? null : vs.getSpec().getPorts().stream()
        .map(VirtualServiceStatusBuilder::port).collect(Collectors.joining(",")));
    s.setReadyRealServers((int) readyBackends);
    s.setTotalRealServers(seen.size());
    s.setReady(readyBackends + "/" + seen.size());
    s.setRealServers(seen.stream().map(b -> new RealServerStatus(b.address(), b.port(), b.weight(), b.state()))
        .toList());
    s.setClaims(accepted ? claims : old == null ? null : old.getClaims());
    return s;
  }

  private static String port(PortSpec p) {
    return p.port() + "/" + (p.protocol() == null ? "TCP" : p.protocol().name());
  }
}
