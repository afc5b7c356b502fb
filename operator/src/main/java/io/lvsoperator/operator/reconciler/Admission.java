package io.lvsoperator.operator.reconciler;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecValidator;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.AcceptedService;
import io.lvsoperator.operator.render.Backend;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.render.ServiceRenderer;
import io.lvsoperator.operator.validation.ReservedAddresses;
import io.lvsoperator.operator.validation.VirtualServiceValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which VirtualServices are accepted: valid, their rendered services valid for the
 * dataplane and within the byte budget of one VirtualService, and first to claim each
 * VIP:port/protocol. A claim belongs to whoever holds it (recorded in its status) while that
 * object exists and still asks for it, so editing an older VirtualService onto an address
 * another one serves never takes it over; among new claims the oldest wins, as Gateway API
 * resolves conflicts. A bad VirtualService is left out; the others go on.
 */
final class Admission {
  /** The verdict on one VirtualService. */
  record Verdict(VirtualService resource, Reason reason, String message, List<Backend> backends) {
    boolean accepted() {
      return reason == Reason.Accepted;
    }
  }

  /**
   * What one VirtualService may add to the shared configuration: a quarter of the 1 MiB the
   * Director objects aim under, so one tenant cannot crowd out the others.
   */
  static final int MAX_RENDERED_BYTES = 256 * 1024;

  private Admission() {}

  /** "198.18.0.100:80/TCP" for each port of {@code vs}. */
  static List<String> claimsOf(VirtualService vs) {
    List<String> out = new ArrayList<>();
    for (PortSpec p : vs.getSpec().getPorts()) {
      out.add(vs.getSpec().getVip() + ":" + p.port() + "/" + (p.protocol() == null ? Protocol.TCP : p.protocol()));
    }
    return out;
  }

  static Map<String, Verdict> decide(ClusterView view) {
    Map<String, Verdict> out = new LinkedHashMap<>();
    List<VirtualService> oldestFirst = new ArrayList<>(view.virtualServices());
    oldestFirst.sort(Comparator.comparing((VirtualService v) -> String.valueOf(v.getMetadata().getCreationTimestamp()))
        .thenComparing(VirtualServiceReconciler::key));
    // claims held (status) and still asked for (spec) stay with their holder, oldest holder first
    Map<String, String> claims = new HashMap<>();
    for (VirtualService vs : oldestFirst) {
      if (vs.getStatus() == null || vs.getStatus().getClaims() == null) {
        continue;
      }
      // an invalid spec (a typo in the VIP, say) keeps every claim it held; a valid one keeps
      // those it still asks for
      boolean invalid = !VirtualServiceValidator.validate(vs.getSpec()).isEmpty();
      List<String> asked = invalid ? List.of() : claimsOf(vs);
      for (String held : vs.getStatus().getClaims()) {
        if (invalid || asked.contains(held)) {
          claims.putIfAbsent(held, VirtualServiceReconciler.key(vs));
        }
      }
    }
    ReservedAddresses reserved = view.reservedAddresses();
    for (VirtualService vs : oldestFirst) {
      String key = VirtualServiceReconciler.key(vs);
      List<String> violations = VirtualServiceValidator.validate(vs.getSpec(), reserved);
      if (!violations.isEmpty()) {
        out.put(key, new Verdict(vs, Reason.InvalidSpec, String.join("; ", violations), List.of()));
        continue;
      }
      List<Backend> backends = BackendResolver.resolve(vs.getSpec(), vs.getSpec().getService() == null
          ? List.of() : view.slicesOf(vs.getMetadata().getNamespace(), vs.getSpec().getService().name()));
      List<ServiceSpec> rendered = ServiceRenderer.render(key, vs.getSpec(), backends);
      List<String> dataplane = DirectorSpecValidator.validate(new DirectorSpec(0L, null, List.of(), List.of(),
          List.of(), rendered, null));
      if (!dataplane.isEmpty()) {
        out.put(key, new Verdict(vs, Reason.InvalidSpec, String.join("; ", dataplane), backends));
        continue;
      }
      int bytes = Serialization.asJson(rendered).length();
      if (bytes > MAX_RENDERED_BYTES) {
        out.put(key, new Verdict(vs, Reason.InvalidSpec, "spec: renders to " + bytes + " bytes of director"
            + " configuration, over the " + MAX_RENDERED_BYTES + " bytes one VirtualService may use; split it", backends));
        continue;
      }
      String conflict = null;
      for (String claim : claimsOf(vs)) {
        String holder = claims.get(claim);
        if (holder != null && !holder.equals(key)) {
          conflict = claim + " is already served by VirtualService " + holder;
          break;
        }
      }
      if (conflict != null) {
        out.put(key, new Verdict(vs, Reason.Conflict, conflict, backends));
        continue;
      }
      for (String claim : claimsOf(vs)) {
        claims.put(claim, key);
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
