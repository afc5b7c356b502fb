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
import io.fabric8.kubernetes.client.CustomResource;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.DirectorConfigSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.OperatorMain;
import io.lvsoperator.operator.OperatorOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fabric8 mock API server in CRUD mode with the real operator running against it, plus the
 * objects a cluster would hold: dataplanes (pods, Leases, Director statuses written as a
 * dataplane would), dataplane pods of the previous version, EndpointSlices.
 */
public final class MockCluster implements AutoCloseable {
  public static final String SELECTOR_LABEL = "app.kubernetes.io/name";
  public static final String SELECTOR_VALUE = "lvs-dataplane";
  /** The cluster's Service range, as the chart's operator.reservedCIDRs would give it. */
  public static final String RESERVED_CIDR = "10.96.0.0/12";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final int maxPartBytes;
  private final boolean defaultLoadBalancer;
  private OperatorMain.Running operator;
  private final Map<String, FakeDataplane> dataplanes = new HashMap<>();
  /**
   * Writes the API server answers with 409 Conflict while this matches "METHOD path" (nothing by
   * default); a conflict, because the client retries a 5xx by itself for many seconds.
   */
  private volatile java.util.function.Predicate<String> refused = r -> false;

  public MockCluster() throws Exception {
    this(SharedConfig.DEFAULT_MAX_PART_BYTES);
  }

  public MockCluster(int maxPartBytes) throws Exception {
    this(maxPartBytes, false);
  }

  /** @param defaultLoadBalancer the operator also serves Services of type LoadBalancer without a class */
  public MockCluster(int maxPartBytes, boolean defaultLoadBalancer) throws Exception {
    this.maxPartBytes = maxPartBytes;
    this.defaultLoadBalancer = defaultLoadBalancer;
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()) {
          @Override
          public io.fabric8.mockwebserver.http.MockResponse dispatch(io.fabric8.mockwebserver.http.RecordedRequest r) {
            if (!"GET".equals(r.getMethod()) && refused.test(r.getMethod() + " " + r.getPath())) {
              return new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(409)
                  .setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":409,\"reason\":\"Conflict\","
                      + "\"message\":\"refused by the test\"}");
            }
            return super.dispatch(r);
          }
        }, false);
    server.init();
    for (Class<? extends CustomResource<?, ?>> type : List.of(VirtualService.class, Director.class,
        DirectorConfig.class, DirectorConfigPart.class, VipPool.class)) {
      server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
    }
    client = server.createClient();
    startOperator();
  }

  private void startOperator() throws Exception {
    // the mock has no server-side apply (415) and no leases worth electing over; a short window
    // keeps the tests quick
    operator = OperatorMain.start(client, new OperatorOptions("eth0", SELECTOR_LABEL + "=" + SELECTOR_VALUE, false,
        "default", false, "127.0.0.1", 0, 2, "lvs-system", List.of(Ipv4Prefix.parse(RESERVED_CIDR)), maxPartBytes,
        OperatorOptions.DEFAULT_STANDBYS, Duration.ofMillis(50), DirectorConfigSpec.DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS,
        DirectorConfigSpec.DEFAULT_HOLD_SECONDS, defaultLoadBalancer));
  }

  /** Stops the operator and starts a new one, as a rollout or a crash would. */
  public void restartOperator() throws Exception {
    operator.close();
    startOperator();
  }

  /** Answers the writes matching {@code request} ("PUT /apis/...") with 409 until called again. */
  public void refuseWrites(java.util.function.Predicate<String> request) {
    refused = request;
  }

  public KubernetesClient client() {
    return client;
  }

  public OperatorMain.Running operator() {
    return operator;
  }

  /** A dataplane of the current version on {@code node}, applying what the operator writes. */
  public FakeDataplane dataplane(String node) {
    return dataplane(node, true);
  }

  public FakeDataplane dataplane(String node, boolean applying) {
    pod(node, true, true);
    FakeDataplane d = new FakeDataplane(client, node, "lvs-system", applying);
    FakeDataplane before = dataplanes.put(node, d);
    if (before != null) {
      before.close();
    }
    return d;
  }

  /** The dataplane of {@code node} stops (SIGKILL): its Lease lapses within two seconds. */
  public void kill(String node) {
    FakeDataplane d = dataplanes.remove(node);
    if (d != null) {
      d.close();
    }
  }

  /** A ready dataplane pod of the previous version: no contract label, no Lease. */
  public void previousVersionPod(String node, boolean ready) {
    pod(node, ready, false);
  }

  private void pod(String node, boolean ready, boolean current) {
    PodBuilder builder = new PodBuilder();
    Pod pod = builder.withNewMetadata().withName("dataplane-" + node).withNamespace("lvs-system")
        .addToLabels(SELECTOR_LABEL, SELECTOR_VALUE)
        .addToLabels(current ? Map.of(SharedConfig.CONTRACT_LABEL, SharedConfig.CONTRACT) : Map.of()).endMetadata()
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

  public DirectorConfig head() {
    return client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get();
  }

  public List<DirectorConfigPart> parts() {
    return client.resources(DirectorConfigPart.class).withLabel(SharedConfig.PART_LABEL, SharedConfig.HEAD).list()
        .getItems();
  }

  /** What {@code node} runs as the API holds it now: every service, the VIPs it is first for. */
  public DirectorSpec config(String node) {
    DirectorConfig h = head();
    assertThat(h).as("the shared configuration's head").isNotNull();
    return SharedConfig.assemble(h.getSpec(), parts().stream().map(DirectorConfigPart::getSpec).toList())
        .orElseThrow(() -> new AssertionError("the shared configuration is incomplete")).forDirector(node);
  }

  /**
   * The one service {@code node} runs; an assertion error, which {@code untilAsserted} retries,
   * while the shared configuration holds none yet (or several), never an index out of bounds.
   */
  public ServiceSpec onlyService(String node) {
    List<ServiceSpec> services = config(node).services();
    assertThat(services).as("the services %s runs", node).hasSize(1);
    return services.get(0);
  }

  /** Writes Director status as a dataplane of the previous version does after applying its spec. */
  public void previousVersionApplied(String node, boolean ready) {
    Director d = director(node);
    DirectorStatus s = new DirectorStatus();
    s.setAppliedGeneration(d.getSpec().generation());
    s.setInterfaceName("eth0");
    s.setMac("02:00:00:00:00:01");
    s.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? "Forwarding" : "Failed").withMessage("test").build()));
    d.setStatus(s);
    client.resources(Director.class).resource(d).updateStatus();
  }

  /** The requests the API server received since the last call, as "PATCH /apis/...", oldest first. */
  public List<String> drainRequests() throws InterruptedException {
    List<String> out = new java.util.ArrayList<>();
    io.fabric8.mockwebserver.http.RecordedRequest r;
    while ((r = server.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      out.add(r.getMethod() + " " + r.getPath());
    }
    return out;
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
    dataplanes.values().forEach(FakeDataplane::close);
    operator.close();
    client.close();
    server.destroy();
  }
}
