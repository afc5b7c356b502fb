package io.lvsoperator.dataplane.testsupport;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ServerAddressByClientCIDRBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents kubectl reads before anything else (/api, /apis and one resource list
 * per group version), which fabric8's CRUD store does not serve. Registered as expectations on a
 * mixed dispatcher, they let `kubectl apply --validate=false`, `get` and `delete` work against
 * the mock server. kubectl asks each document bare and with `?timeout=32s`.
 */
public final class KubectlDiscovery {
  private static final List<String> READ_WRITE = List.of("create", "delete", "get", "list", "patch", "update",
      "watch");
  private static final List<String> STATUS = List.of("get", "patch", "update");

  private final Map<String, List<APIResource>> groupVersions = new LinkedHashMap<>();

  /** The built-in resources the operator and the lab use, plus the given custom resources. */
  @SafeVarargs
  public static KubectlDiscovery forLab(Class<? extends HasMetadata>... customResources) {
    KubectlDiscovery d = new KubectlDiscovery();
    d.builtIn("v1", "pods", "Pod", true, "po");
    d.builtIn("v1", "services", "Service", true, "svc");
    d.builtIn("v1", "namespaces", "Namespace", false, "ns");
    d.builtIn("v1", "events", "Event", true, "ev");
    d.builtIn("v1", "configmaps", "ConfigMap", true, "cm");
    d.builtIn("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true);
    d.builtIn("coordination.k8s.io/v1", "leases", "Lease", true);
    for (Class<? extends HasMetadata> type : customResources) {
      d.custom(type);
    }
    return d;
  }

  private void builtIn(String groupVersion, String plural, String kind, boolean namespaced, String... shortNames) {
    add(groupVersion, plural, kind, namespaced, List.of(shortNames), false);
  }

  private void custom(Class<? extends HasMetadata> type) {
    ShortNames shortNames = type.getAnnotation(ShortNames.class);
    add(HasMetadata.getApiVersion(type), HasMetadata.getPlural(type), HasMetadata.getKind(type),
        Namespaced.class.isAssignableFrom(type), shortNames == null ? List.of() : List.of(shortNames.value()), true);
  }

  private void add(String groupVersion, String plural, String kind, boolean namespaced, List<String> shortNames,
      boolean statusSubresource) {
    List<APIResource> resources = groupVersions.computeIfAbsent(groupVersion, gv -> new ArrayList<>());
    resources.add(new APIResourceBuilder().withName(plural).withKind(kind).withNamespaced(namespaced)
        .withShortNames(shortNames).withSingularName("").withVerbs(READ_WRITE).build());
    if (statusSubresource) {
      resources.add(new APIResourceBuilder().withName(plural + "/status").withKind(kind).withNamespaced(namespaced)
          .withSingularName("").withVerbs(STATUS).build());
    }
  }

  /** Makes every discovery document an expectation that always answers. */
  public void registerOn(KubernetesMockServer server) {
    answer(server, "/api", new APIVersionsBuilder().withVersions("v1")
        .withServerAddressByClientCIDRs(new ServerAddressByClientCIDRBuilder().withClientCIDR("0.0.0.0/0")
            .withServerAddress("").build()).build());
    List<APIGroup> groups = new ArrayList<>();
    groupVersions.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
      String group = gv.substring(0, gv.indexOf('/'));
      String version = gv.substring(gv.indexOf('/') + 1);
      groups.add(new APIGroupBuilder().withName(group).addNewVersion().withGroupVersion(gv).withVersion(version)
          .endVersion().withNewPreferredVersion().withGroupVersion(gv).withVersion(version).endPreferredVersion()
          .build());
    });
    answer(server, "/apis", new APIGroupListBuilder().withGroups(groups).build());
    groupVersions.forEach((gv, resources) -> answer(server, gv.contains("/") ? "/apis/" + gv : "/api/" + gv,
        new APIResourceListBuilder().withGroupVersion(gv).withResources(resources).build()));
  }

  private static void answer(KubernetesMockServer server, String path, Object document) {
    String json = Serialization.asJson(document);
    for (String p : List.of(path, path + "?timeout=32s")) {
      server.expect().get().withPath(p).andReturn(200, json).always();
    }
  }
}
