package io.lvsoperator.operator.render;

import io.lvsoperator.api.v1alpha1.VirtualService;
import java.util.List;

/** A VirtualService that passed validation and conflict checks, with its resolved real servers. */
public record AcceptedService(VirtualService resource, List<Backend> backends) {
  public String key() {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
