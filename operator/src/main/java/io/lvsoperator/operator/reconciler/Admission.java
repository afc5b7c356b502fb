package io.lvsoperator.operator.reconciler;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecValidator;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.AcceptedService;
import io.lvsoperator.operator.render.Backend;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.render.ServiceRenderer;
import io.lvsoperator.operator.validation.VirtualServiceValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which VirtualServices are accepted: valid, their rendered services valid for the
 * dataplane, and first to claim each VIP:port/protocol (the oldest wins, as Gateway API
 * resolves conflicts). A bad VirtualService is left out; the others go on.
 */
final class Admission {
  /** The verdict on one VirtualService. */
  record Verdict(VirtualService resource, Reason reason, String message, List<Backend> backends) {
    boolean accepted() {
      return reason == Reason.Accepted;
    }
  }

  private Admission() {}

  static Map<String, Verdict> decide(ClusterView view) {
    Map<String, Verdict> out = new LinkedHashMap<>();
    Map<String, String> claims = new HashMap<>();
    List<VirtualService> oldestFirst = new ArrayList<>(view.virtualServices());
    oldestFirst.sort(Comparator.comparing((VirtualService v) -> String.valueOf(v.getMetadata().getCreationTimestamp()))
        .thenComparing(VirtualServiceReconciler::key));
    for (VirtualService vs : oldestFirst) {
      String key = VirtualServiceReconciler.key(vs);
      List<String> violations = VirtualServiceValidator.validate(vs.getSpec());
      if (!violations.isEmpty()) {
        out.put(key, new Verdict(vs, Reason.InvalidSpec, String.join("; ", violations), List.of()));
        continue;
      }
      List<Backend> backends = BackendResolver.resolve(vs.getSpec(), vs.getSpec().getService() == null
          ? List.of() : view.slicesOf(vs.getMetadata().getNamespace(), vs.getSpec().getService().name()));
      List<String> dataplane = DirectorSpecValidator.validate(new DirectorSpec(0L, null, List.of(), List.of(),
          List.of(), ServiceRenderer.render(key, vs.getSpec(), backends), null));
      if (!dataplane.isEmpty()) {
        out.put(key, new Verdict(vs, Reason.InvalidSpec, String.join("; ", dataplane), backends));
        continue;
      }
      String conflict = null;
      for (PortSpec p : vs.getSpec().getPorts()) {
        String claim = vs.getSpec().getVip() + ":" + p.port() + "/" + (p.protocol() == null ? Protocol.TCP : p.protocol());
        String holder = claims.get(claim);
        if (holder != null) {
          conflict = claim + " is already served by VirtualService " + holder;
          break;
        }
      }
      if (conflict != null) {
        out.put(key, new Verdict(vs, Reason.Conflict, conflict, backends));
        continue;
      }
      for (PortSpec p : vs.getSpec().getPorts()) {
        claims.put(vs.getSpec().getVip() + ":" + p.port() + "/" + (p.protocol() == null ? Protocol.TCP : p.protocol()), key);
      }
      out.put(key, new Verdict(vs, Reason.Accepted, "accepted", backends));
    }
    return out;
  }

  static List<AcceptedService> accepted(Map<String, Verdict> verdicts) {
    return verdicts.values().stream().filter(Verdict::accepted)
        .map(v -> new AcceptedService(v.resource(), v.backends())).toList();
  }
}
