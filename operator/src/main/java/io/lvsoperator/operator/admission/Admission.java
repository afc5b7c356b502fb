package io.lvsoperator.operator.admission;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecValidator;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.Backend;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.render.ServiceRenderer;
import io.lvsoperator.operator.validation.ReservedAddresses;
import io.lvsoperator.operator.validation.VirtualServiceValidator;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges one VirtualService on its own: valid, its rendered services valid for the dataplane, and
 * within the byte budget of one VirtualService. Whether its VIP:ports are free is the
 * {@link ClaimIndex}'s to say. Pure.
 */
public final class Admission {
  /** The verdict on one VirtualService, with what it renders to when it may go on. */
  public record Verdict(Reason reason, String message, List<Backend> backends, List<ServiceSpec> rendered) {
    public boolean passes() {
      return reason == Reason.Accepted;
    }
  }

  /**
   * What one VirtualService may add to the shared configuration: 256 KiB, a quarter of a MiB, so
   * one tenant cannot crowd out the others (a part holding it is the only one over its budget).
   */
  public static final int MAX_RENDERED_BYTES = 256 * 1024;

  private Admission() {}

  /** "198.18.0.100:80/TCP" for each port of {@code vs}. */
  public static List<String> claimsOf(VirtualService vs) {
    List<String> out = new ArrayList<>();
    for (PortSpec p : vs.getSpec().getPorts()) {
      out.add(vs.getSpec().getVip() + ":" + p.port() + "/" + (p.protocol() == null ? Protocol.TCP : p.protocol()));
    }
    return out;
  }

  public static Verdict judge(String key, VirtualService vs, List<EndpointSlice> slices, ReservedAddresses reserved) {
    List<String> violations = VirtualServiceValidator.validate(vs.getSpec(), reserved);
    if (!violations.isEmpty()) {
      return new Verdict(Reason.InvalidSpec, String.join("; ", violations), List.of(), List.of());
    }
    List<Backend> backends = BackendResolver.resolve(vs.getSpec(), slices);
    List<ServiceSpec> rendered = ServiceRenderer.render(key, vs.getSpec(), backends);
    List<String> dataplane = DirectorSpecValidator.validate(new DirectorSpec(0L, null, List.of(), List.of(),
        List.of(), rendered, null));
    if (!dataplane.isEmpty()) {
      return new Verdict(Reason.InvalidSpec, String.join("; ", dataplane), backends, List.of());
    }
    int bytes = Serialization.asJson(rendered).length();
    if (bytes > MAX_RENDERED_BYTES) {
      return new Verdict(Reason.InvalidSpec, "spec: renders to " + bytes + " bytes of director configuration, over the "
          + MAX_RENDERED_BYTES + " bytes one VirtualService may use; split it", backends, List.of());
    }
    return new Verdict(Reason.Accepted, "accepted", backends, rendered);
  }
}
