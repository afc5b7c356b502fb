package io.lvsoperator.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.ConfigPartSpec;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.DirectorConfigSpec;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.SharedConfigLayout;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode against fabric8's mock API server: the shared configuration in, a Lease and
 * Director.status out; the previous contract's Director objects while no shared one exists.
 */
class ClusterAgentIT {
  static final InterfaceInfo IFACE = new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500,
      List.of(Ipv4Prefix.parse("198.18.0.2/24")));
  static final String NAMESPACE = "lvs-system";

  KubernetesMockServer server;
  KubernetesClient client;
  AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  ConfigApplier applier = new ConfigApplier(IFACE, tables, t -> {});
  ClusterAgent agent;
  SharedConfigLayout layout = new SharedConfigLayout(1024);
  long generation;
  @TempDir Path state;

  @BeforeEach
  void start() {
    server = mockServer(0);
    client = server.createClient();
  }

  /** fabric8's mock API server in CRUD mode with our resources, on {@code port} of loopback (0: any). */
  static KubernetesMockServer mockServer(int port) {
    KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    mock.init(java.net.InetAddress.getLoopbackAddress(), port);
    for (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> type : List.of(Director.class,
        DirectorConfig.class, DirectorConfigPart.class)) {
      mock.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
    }
    return mock;
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    client.close();
    server.destroy();
  }

  DataplaneTarget target() {
    return new DataplaneTarget("node-a", applier, tables, () -> true, () -> new int[0], new ConfigCache(state.resolve("director.json")),
        s -> s, t -> {});
  }

  ClusterAgent agent(KubernetesClient c, DataplaneTarget target) {
    return new ClusterAgent(c, "node-a", NAMESPACE, target, Duration.ofMillis(900), Clock.systemUTC());
  }

  static ServiceSpec web(String... rips) {
    return new ServiceSpec("default/web", "198.18.0.100", 80, null, null, null, null, null,
        java.util.Arrays.stream(rips).map(r -> new RealServerSpec(r, null, 1)).toList());
  }

  /** Publishes what the layout holds as the operator does: parts, then the head. */
  SharedConfigLayout.Publication publish(boolean writeHead, int... skipParts) {
    SharedConfigLayout.Publication p = layout.publish(++generation);
    for (ConfigPartSpec part : p.parts()) {
      if (java.util.Arrays.stream(skipParts).anyMatch(i -> i == part.index())) {
        continue;
      }
      writePart(part);
    }
    if (writeHead) {
      writeHead(p);
    }
    layout.written(p);
    return p;
  }

  void writePart(ConfigPartSpec part) {
    DirectorConfigPart object = new DirectorConfigPart();
    object.setMetadata(new ObjectMetaBuilder().withName(SharedConfig.partName(part.index()))
        .addToLabels(SharedConfig.PART_LABEL, SharedConfig.HEAD).build());
    object.setSpec(part);
    client.resources(DirectorConfigPart.class).resource(object).createOr(x -> x.update());
  }

  void writeHead(SharedConfigLayout.Publication p) {
    DirectorConfig head = new DirectorConfig();
    head.setMetadata(new ObjectMetaBuilder().withName(SharedConfig.HEAD).build());
    head.setSpec(new DirectorConfigSpec(p.generation(), "eth0", null, p.partRevisions(), 0));
    client.resources(DirectorConfig.class).resource(head).createOr(x -> x.update());
  }

  DirectorStatus status() {
    Director d = client.resources(Director.class).withName("node-a").get();
    return d == null ? null : d.getStatus();
  }

  @Test
  void appliesTheSharedConfigurationHoldsALeaseAndReportsStatus() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11", "198.18.0.12")));
    layout.putAnnounce("198.18.0.100", List.of("node-a", "node-b"));
    layout.putAnnounce("198.18.0.101", List.of("node-b", "node-a"));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 1);
    // every service, and only the addresses it is first in line for
    assertThat(tables.get().spec().vips()).containsExactly("198.18.0.100");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      DirectorStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.getAppliedGeneration()).isEqualTo(1);
      assertThat(s.getMac()).isEqualTo("02:00:00:00:00:01");
      assertThat(s.getAddress()).as("its peers accept its advertisements from there").isEqualTo("198.18.0.2");
      assertThat(s.getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
      assertThat(s.getServices()).as("only services with unhealthy real servers").isEmpty();
      assertThat(s.getHeartbeatTime()).as("liveness is the Lease").isNull();
    });
    Director d = client.resources(Director.class).withName("node-a").get();
    assertThat(d.getMetadata().getLabels()).containsEntry(ClusterAgent.NODE_LABEL, "node-a");
    assertThat(Files.readString(state.resolve("director.json"))).contains("198.18.0.12");

    Lease lease = client.leases().inNamespace(NAMESPACE).withName(DirectorLeases.name("node-a")).get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("node-a");
    assertThat(lease.getMetadata().getLabels()).containsEntry(DirectorLeases.NODE_LABEL, "node-a");
    var firstRenewal = lease.getSpec().getRenewTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.leases().inNamespace(NAMESPACE)
        .withName(DirectorLeases.name("node-a")).get().getSpec().getRenewTime().equals(firstRenewal));

    // the VIP moves to node-b: node-a stops announcing it, and still runs the service
    layout.putAnnounce("198.18.0.100", List.of("node-b", "node-a"));
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().getAppliedGeneration()).isEqualTo(2));
    assertThat(tables.get().spec().vips()).isEmpty();
    assertThat(tables.get().serviceList().get(0).destinations()).hasSize(1);
  }

  /** As a node's own Lease: deleted with the node, by the garbage collector, through its owner. */
  @Test
  void itsNodeOwnsItsLeaseAndItsDirectorObjectEvenThoseOfAnEarlierVersion() throws Exception {
    // an earlier version left a Director object and a Lease without an owner
    Director old = new Director();
    old.setMetadata(new ObjectMetaBuilder().withName("node-a").addToLabels(ClusterAgent.NODE_LABEL, "node-a").build());
    client.resources(Director.class).resource(old).create();
    Lease oldLease = new Lease();
    oldLease.setMetadata(new ObjectMetaBuilder().withName(DirectorLeases.name("node-a")).withNamespace(NAMESPACE).build());
    oldLease.setSpec(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec());
    client.leases().inNamespace(NAMESPACE).resource(oldLease).create();
    io.fabric8.kubernetes.api.model.Node node = new io.fabric8.kubernetes.api.model.NodeBuilder()
        .withNewMetadata().withName("node-a").withUid("3f2a-node-a").endMetadata().build();
    client.nodes().resource(node).create();
    String uid = client.nodes().withName("node-a").get().getMetadata().getUid();

    agent = agent(client, target());
    agent.start();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(client.resources(Director.class).withName("node-a").get().getMetadata().getOwnerReferences())
          .singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("Node");
            assertThat(r.getName()).isEqualTo("node-a");
            assertThat(r.getUid()).isEqualTo(uid);
          });
      assertThat(client.leases().inNamespace(NAMESPACE).withName(DirectorLeases.name("node-a")).get().getMetadata()
          .getOwnerReferences()).singleElement().satisfies(r -> assertThat(r.getUid()).isEqualTo(uid));
    });
  }

  @Test
  void withoutItsNodeItStillHoldsALeaseAndWritesStatus() throws Exception {
    agent = agent(client, target());
    agent.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> status() != null
        && client.leases().inNamespace(NAMESPACE).withName(DirectorLeases.name("node-a")).get() != null);
    assertThat(client.resources(Director.class).withName("node-a").get().getMetadata().getOwnerReferences())
        .isNullOrEmpty();
  }

  @Test
  void writesItsStatusOnlyWhenItChanges() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status()).isNotNull()
        .extracting(DirectorStatus::getAppliedGeneration).isEqualTo(1L));
    String version = client.resources(Director.class).withName("node-a").get().getMetadata().getResourceVersion();
    // several status ticks and Lease renewals later, nothing was rewritten
    Thread.sleep(2_000);
    assertThat(client.resources(Director.class).withName("node-a").get().getMetadata().getResourceVersion())
        .isEqualTo(version);
  }

  /** The directors move addresses among themselves: a change only in what it announces is written. */
  @Test
  void writesItsStatusWhenOnlyWhatItAnnouncesChanges() throws Exception {
    AtomicReference<int[]> announced = new AtomicReference<>(new int[0]);
    agent = agent(client, new DataplaneTarget("node-a", applier, tables, () -> true, announced::get,
        new ConfigCache(state.resolve("director.json")), s -> s, t -> {}));
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status()).isNotNull()
        .extracting(DirectorStatus::getAppliedGeneration).isEqualTo(1L));
    assertThat(status().getAnnounced()).isEmpty();
    announced.set(new int[] {io.lvsoperator.api.net.Ipv4.parse("198.18.0.100")});
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().getAnnounced())
        .containsExactly("198.18.0.100"));
    announced.set(new int[0]);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().getAnnounced()).isEmpty());
  }

  @Test
  void appliesAGenerationOnlyOnceEveryPartOfItIsThere() throws Exception {
    agent = agent(client, target());
    agent.start();
    // real servers of addresses apart, as a cluster has them: encoded, they still need several parts
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 40; i++) {
      List<RealServerSpec> reals = new java.util.ArrayList<>();
      for (int r = 0; r < 16; r++) {
        reals.add(new RealServerSpec("198.18." + random.nextInt(256) + "." + (1 + random.nextInt(254)), null, 1));
      }
      layout.putServices("ns/vs-" + i, List.of(new ServiceSpec("ns/vs-" + i, "198.18.0.100", 1000 + i, null, null, null,
          null, null, reals)));
    }
    SharedConfigLayout.Publication first = layout.publish(++generation);
    assertThat(first.parts()).as("a layout of several parts").hasSizeGreaterThan(2);
    ConfigPartSpec held = first.parts().get(1);
    for (ConfigPartSpec part : first.parts()) {
      if (part != held) {
        writePart(part);
      }
    }
    writeHead(first);
    layout.written(first);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get() == null);
    writePart(held);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null);
    assertThat(tables.get().generation()).isEqualTo(1);
    assertThat(tables.get().serviceList()).hasSize(40);

    // a head that is ahead of its parts changes nothing until they arrive
    layout.removeServices("ns/vs-3");
    SharedConfigLayout.Publication second = layout.publish(++generation);
    writeHead(second);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get().generation() == 1);
    second.parts().forEach(this::writePart);
    layout.written(second);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get().generation() == 2);
    assertThat(tables.get().serviceList()).hasSize(39);
  }

  @Test
  void aRefusedConfigurationLeavesTheOldOneAndSaysSoInStatus() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null);
    // the API server's schema would normally stop this; the dataplane checks again
    layout.putServices("default/web", List.of(web("198.18.0.999")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(status().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Degraded");
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).contains("realServers[0].address");
      });
      assertThat(status().getAppliedGeneration()).isEqualTo(1);
    });
    assertThat(tables.get().generation()).isEqualTo(1);
    // its own status writes must not make it retry the refused generation over and over
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> applier.failures() == 1);
  }

  @Test
  void aPartItCannotDecodeLeavesTheOldConfigurationUntilAReadableOneComes() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null);
    layout.putServices("default/web", List.of(web("198.18.0.12")));
    SharedConfigLayout.Publication broken = layout.publish(++generation);
    for (ConfigPartSpec part : broken.parts()) {
      writePart(new ConfigPartSpec(part.index(), part.revision(), "H4sI-not-gzip", part.announce()));
    }
    writeHead(broken);
    layout.written(broken);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get().generation() == 1);
    assertThat(status().getAppliedGeneration()).isEqualTo(1);

    layout.reset();
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get().generation() == 3);
    assertThat(tables.get().serviceList().get(0).destinations().get(0).address())
        .isEqualTo(io.lvsoperator.api.net.Ipv4.parse("198.18.0.12"));
  }

  /**
   * An object the agent cannot decode (a broken or foreign writer's) stopped its watch for good:
   * fabric8's informers stop on a decoding error unless told to retry, and the agent then missed
   * every later generation. It retries, and follows the configuration once the object is gone.
   */
  @Test
  void anObjectItCannotDecodeDoesNotStopItsWatch() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 1);
    String parts = client.getMasterUrl() + "apis/lvsoperator.io/v1alpha1/directorconfigparts";
    client.raw(parts, "POST", Map.of("apiVersion", "lvsoperator.io/v1alpha1", "kind", "DirectorConfigPart",
        "metadata", Map.of("name", "lvs-77", "labels", Map.of(SharedConfig.PART_LABEL, SharedConfig.HEAD)),
        "spec", Map.of("index", "seventy-seven")));
    Thread.sleep(500); // the watch event reaches the agent
    // by plain HTTP: the API answers a delete with the object, which no client of ours decodes either
    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(parts + "/lvs-77")).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.discarding());

    layout.putServices("default/web", List.of(web("198.18.0.12")));
    publish(true);
    await().atMost(Duration.ofSeconds(60)).until(() -> tables.get().generation() == 2);
    assertThat(tables.get().serviceList().get(0).destinations().get(0).address())
        .isEqualTo(io.lvsoperator.api.net.Ipv4.parse("198.18.0.12"));
  }

  /** A dataplane that starts while the API server is down follows it once it is up. */
  @Test
  void startsWithoutTheApiServerAndFollowsItOnceItIsUp() throws Exception {
    server.destroy();
    client.close();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    KubernetesClient early = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestTimeout(500).withConnectionTimeout(500)
        .withRequestRetryBackoffLimit(0).build()).build();
    try {
      agent = agent(early, target());
      agent.start();
      Thread.sleep(2500); // its first lists fail

      server = mockServer(port);
      client = server.createClient();
      layout.putServices("default/web", List.of(web("198.18.0.11")));
      publish(true);
      await().atMost(Duration.ofSeconds(60)).until(() -> tables.get() != null && tables.get().generation() == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> status() != null
          && Long.valueOf(1).equals(status().getAppliedGeneration()));
    } finally {
      agent.close();
      agent = null;
      early.close();
    }
  }

  @Test
  void followsAnOperatorOfThePreviousContractUntilASharedConfigurationAppears() throws Exception {
    agent = agent(client, target());
    agent.start();
    DirectorSpec own = DirectorSpecReader.parse("""
        generation: 3
        interface: eth0
        vips: [198.18.0.100]
        services:
          - {name: default/web, vip: 198.18.0.100, port: 80, realServers: [{address: 198.18.0.11}]}
        """);
    Director d = new Director();
    d.setMetadata(new ObjectMetaBuilder().withName("node-a").addToLabels(ClusterAgent.NODE_LABEL, "node-a").build());
    d.setSpec(own);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
      client.resources(Director.class).resource(d).createOr(x -> x.update());
      return true;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 3);
    assertThat(tables.get().spec().vips()).containsExactly("198.18.0.100");

    layout.putServices("default/web", List.of(web("198.18.0.11", "198.18.0.12")));
    layout.putAnnounce("198.18.0.100", List.of("node-a"));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get().generation() == 1
        && tables.get().serviceList().get(0).destinations().size() == 2);
  }

  @Test
  void restartsFromItsCacheWhileTheApiServerIsAway() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    generation = 4;
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 5);
    agent.close();
    server.destroy();

    tables.set(null);
    applier = new ConfigApplier(IFACE, tables, t -> {});
    try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withRequestTimeout(500)
            .withConnectionTimeout(500).build()).build()) {
      DataplaneTarget target = target();
      assertThat(target.startFromCache(Duration.ofMillis(500))).isTrue();
      assertThat(tables.get().generation()).isEqualTo(5);
      agent = agent(unreachable, target);
      agent.start(); // status writes and Lease renewals fail quietly; forwarding stays
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get().generation() == 5);
      agent.close();
      agent = null;
    }
  }

  /**
   * Issue 11, never a stale owner: a dataplane restarted from its cache after its VIP moved away
   * while it was down must not announce it (in the lab it took the VIP back and NAT replies went
   * on to the old director). It waits for the API server; without one, for a Lease's duration.
   */
  @Test
  void aRestartFromTheCacheDoesNotAnnounceAVipThatMovedMeanwhile() throws Exception {
    agent = agent(client, target());
    agent.start();
    layout.putServices("default/web", List.of(web("198.18.0.11")));
    layout.putAnnounce("198.18.0.100", List.of("node-a", "node-b"));
    publish(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null
        && tables.get().spec().vips().contains("198.18.0.100"));
    agent.close();
    // while node-a is down its VIP goes to node-b
    layout.putAnnounce("198.18.0.100", List.of("node-b", "node-a"));
    publish(true);

    tables.set(null);
    applier = new ConfigApplier(IFACE, tables, t -> {});
    List<List<String>> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
    DataplaneTarget restarted = new DataplaneTarget("node-a", applier, tables, () -> true, () -> new int[0],
        new ConfigCache(state.resolve("director.json")), s -> s, t -> announced.add(t.spec().vips()));
    assertThat(restarted.startFromCache(Duration.ofMillis(700))).isTrue();
    assertThat(tables.get().spec().vips()).as("withheld until the API server answers").isEmpty();
    agent = agent(client, restarted);
    agent.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get().generation() == generation);
    Thread.sleep(1000); // past the withholding: the cache's VIP must not come back
    assertThat(announced).as("what each table in force announced").allSatisfy(v -> assertThat(v).isEmpty());
    agent.close();
    agent = null;

    // no API server at all: the cached VIPs after the withholding
    server.destroy();
    tables.set(null);
    applier = new ConfigApplier(IFACE, tables, t -> {});
    DataplaneTarget alone = new DataplaneTarget("node-a", applier, tables, () -> true, () -> new int[0],
        new ConfigCache(state.resolve("director.json")), s -> s, t -> {});
    java.nio.file.Files.writeString(state.resolve("director.json"), java.nio.file.Files.readString(
        state.resolve("director.json")).replace("\"vips\":[]", "\"vips\":[\"198.18.0.100\"]"));
    assertThat(alone.startFromCache(Duration.ofMillis(300))).isTrue();
    assertThat(tables.get().spec().vips()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> tables.get().spec().vips().contains("198.18.0.100"));
  }
}
