package io.lvsoperator.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.OperatorMain;
import io.lvsoperator.operator.OperatorOptions;
import java.util.HashMap;
import java.util.List;

/**
 * A fabric8 mock API server in CRUD mode with the real operator running against it, plus the
 * objects a cluster would hold: dataplane pods, EndpointSlices, and Director statuses written
 * as a dataplane would.
 */
public final class MockCluster implements AutoCloseable {
  public static final String SELECTOR_LABEL = "app.kubernetes.io/name";
  public static final String SELECTOR_VALUE = "lvs-dataplane";
  /** The cluster's Service range, as the chart's operator.reservedCIDRs would give it. */
  public static final String RESERVED_CIDR = "10.96.0.0/12";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final OperatorMain.Running operator;

  public MockCluster() throws Exception {
    this(OperatorOptions.DEFAULT_SERVICES_PER_DIRECTOR_OBJECT);
  }

  public MockCluster(int servicesPerDirectorObject) throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init();
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(VirtualService.class));
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(Director.class));
    client = server.createClient();
    // the mock has no server-side apply (415) and no leases worth electing over
    operator = OperatorMain.start(client, new OperatorOptions("eth0", SELECTOR_LABEL + "=" + SELECTOR_VALUE, false,
        "default", false, "127.0.0.1", 0, servicesPerDirectorObject, "lvs-system",
        List.of(Ipv4Prefix.parse(RESERVED_CIDR))));
  }

  public KubernetesClient client() {
    return client;
  }

  public OperatorMain.Running operator() {
    return operator;
  }

  public void dataplanePod(String node, boolean ready) {
    Pod pod = new PodBuilder().withNewMetadata().withName("dataplane-" + node).withNamespace("lvs-system")
        .addToLabels(SELECTOR_LABEL, SELECTOR_VALUE).endMetadata()
        .withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
    client.pods().inNamespace("lvs-system").resource(pod).createOr(p -> p.update());
  }

  public void removeDataplanePod(String node) {
    client.pods().inNamespace("lvs-system").withName("dataplane-" + node).delete();
  }

  /** An EndpointSlice of Service {@code service}: addresses ready, then terminating ones. */
  public void endpointSlice(String namespace, String service, int port, List<String> ready, List<String> terminating) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(service + "-abc")
        .withNamespace(namespace).addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
    for (String a : ready) {
      b.addToEndpoints(new EndpointBuilder().withAddresses(a).withNewConditions().withReady(true).withServing(true)
          .withTerminating(false).endConditions().build());
    }
    for (String a : terminating) {
      b.addToEndpoints(new EndpointBuilder().withAddresses(a).withNewConditions().withReady(false).withServing(true)
          .withTerminating(true).endConditions().build());
    }
    EndpointSlice slice = b.build();
    client.resources(EndpointSlice.class).inNamespace(namespace).resource(slice).createOr(s -> s.update());
  }

  public Director director(String node) {
    return client.resources(Director.class).withName(node).get();
  }

  /** Writes Director status as the node's dataplane would after applying its spec. */
  public void dataplaneApplied(String node, boolean ready) {
    dataplaneApplied(node, ready, List.of());
  }

  /** The same, with the health the dataplane's checks found for services' real servers. */
  public void dataplaneApplied(String node, boolean ready, List<io.lvsoperator.api.v1alpha1.ServiceHealth> health) {
    Director d = director(node);
    DirectorStatus s = new DirectorStatus();
    s.setAppliedGeneration(d.getSpec().generation());
    s.setInterfaceName("eth0");
    s.setMac("02:00:00:00:00:01");
    s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? "Forwarding" : "Failed").withMessage("test").build()));
    s.setServices(health);
    d.setStatus(s);
    client.resources(Director.class).resource(d).updateStatus();
  }

  public VirtualService get(String namespace, String name) {
    return client.resources(VirtualService.class).inNamespace(namespace).withName(name).get();
  }

  /** Asserts one condition of a VirtualService (type, status, observed generation). */
  public static void assertCondition(VirtualService vs, String type, String status, String reason) {
    assertThat(vs.getStatus()).as("status of %s", vs.getMetadata().getName()).isNotNull();
    Condition c = vs.getStatus().getConditions().stream().filter(x -> x.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + vs.getStatus().getConditions()));
    assertThat(c.getStatus()).as("%s of %s: %s", type, vs.getMetadata().getName(), c.getMessage()).isEqualTo(status);
    if (reason != null) {
      assertThat(c.getReason()).as("%s reason: %s", type, c.getMessage()).isEqualTo(reason);
    }
    assertThat(c.getObservedGeneration()).isEqualTo(vs.getMetadata().getGeneration());
    assertThat(c.getLastTransitionTime()).isNotBlank();
  }

  @Override
  public void close() {
    operator.close();
    client.close();
    server.destroy();
  }
}
