package io.lvsoperator.operator.pools;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VipPoolSpec;
import java.util.List;

/** VipPools for the tests. */
final class Pools {
  private Pools() {}

  static VipPool pool(String name, String created, String... addresses) {
    return pool(name, created, true, null, null, addresses);
  }

  static VipPool pool(String name, String created, boolean autoAssign, LabelSelector namespaces,
      LabelSelector services, String... addresses) {
    VipPoolSpec spec = new VipPoolSpec();
    spec.setAddresses(List.of(addresses));
    spec.setAutoAssign(autoAssign);
    spec.setNamespaceSelector(namespaces);
    spec.setServiceSelector(services);
    VipPool p = new VipPool();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(created).build());
    p.setSpec(spec);
    return p;
  }
}
