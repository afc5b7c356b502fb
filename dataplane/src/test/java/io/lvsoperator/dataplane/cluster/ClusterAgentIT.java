package io.lvsoperator.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode against fabric8's mock API server: Director objects in, Director.status out. */
class ClusterAgentIT {
  static final InterfaceInfo IFACE = new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500, List.of());

  KubernetesMockServer server;
  KubernetesClient client;
  AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  ConfigApplier applier = new ConfigApplier(IFACE, tables, t -> {});
  ClusterAgent agent;
  @TempDir Path state;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init();
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(Director.class));
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    client.close();
    server.destroy();
  }

  ClusterAgent agent(KubernetesClient c) {
    return new ClusterAgent(c, "node-a", applier, tables, () -> true, new ConfigCache(state.resolve("director.json")),
        s -> s, t -> {}, Duration.ofMillis(300), Clock.systemUTC());
  }

  static DirectorSpec spec(long generation, String... rips) throws Exception {
    StringBuilder reals = new StringBuilder();
    for (String r : rips) {
      reals.append(reals.length() == 0 ? "" : ", ").append("{address: ").append(r).append("}");
    }
    return DirectorSpecReader.parse("""
        generation: %d
        interface: eth0
        addresses: [198.18.0.2/24]
        vips: [198.18.0.100]
        services:
          - {name: default/web, vip: 198.18.0.100, port: 80, realServers: [%s]}
        """.formatted(generation, reals));
  }

  void put(String name, DirectorSpec spec) {
    Director d = new Director();
    d.setMetadata(new ObjectMetaBuilder().withName(name).addToLabels(ClusterAgent.NODE_LABEL, "node-a").build());
    d.setSpec(spec);
    // the agent writes status meanwhile, which moves the resourceVersion: retry on conflict, as the operator does
    await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
      client.resources(Director.class).resource(d).createOr(x -> x.update());
      return true;
    });
  }

  DirectorStatus status() {
    Director d = client.resources(Director.class).withName("node-a").get();
    return d == null ? null : d.getStatus();
  }

  @Test
  void appliesItsDirectorAndReportsStatus() throws Exception {
    agent = agent(client);
    agent.start();
    put("node-a", spec(1, "198.18.0.11", "198.18.0.12"));
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      DirectorStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.getAppliedGeneration()).isEqualTo(1);
      assertThat(s.getMac()).isEqualTo("02:00:00:00:00:01");
      assertThat(s.getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
      assertThat(s.getServices()).singleElement().satisfies(svc -> {
        assertThat(svc.name()).isEqualTo("default/web");
        assertThat(svc.realServers()).extracting(r -> r.address() + " " + r.healthy())
            .containsExactly("198.18.0.11 true", "198.18.0.12 true");
      });
      assertThat(s.getHeartbeatTime()).isNotBlank();
    });
    assertThat(Files.readString(state.resolve("director.json"))).contains("198.18.0.12");

    put("node-a", spec(2, "198.18.0.11"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().getAppliedGeneration()).isEqualTo(2));
    assertThat(tables.get().serviceList().get(0).destinations()).hasSize(1);
  }

  @Test
  void appliesAShardedConfigurationOnlyWhenEveryPartIsThere() throws Exception {
    agent = agent(client);
    agent.start();
    DirectorSpec whole = spec(3, "198.18.0.11");
    DirectorSpec extra = DirectorSpecReader.parse("""
        generation: 3
        services:
          - {name: default/api, vip: 198.18.0.100, port: 443, realServers: [{address: 198.18.0.12}]}
        """);
    put("node-a", whole.asShard(0, 2, whole.services()));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get() == null);
    put("node-a-shard-1", whole.asShard(1, 2, extra.services()));
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null);
    assertThat(tables.get().generation()).isEqualTo(3);
    assertThat(tables.get().serviceList()).extracting(s -> s.name()).containsExactly("default/web", "default/api");
  }

  @Test
  void aRefusedConfigurationLeavesTheOldOneAndSaysSoInStatus() throws Exception {
    agent = agent(client);
    agent.start();
    put("node-a", spec(1, "198.18.0.11"));
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null);
    // the API server's schema would normally stop this; the dataplane checks again
    DirectorSpec bad = new DirectorSpec(2L, "eth0", List.of("198.18.0.2/24"), List.of("198.18.0.100"), List.of(),
        List.of(new ServiceSpec("default/web", "198.18.0.100", 80, null, null, null, null, null,
            List.of(new RealServerSpec("198.18.0.999", null, 1)))), null);
    put("node-a", bad);
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
  void restartsFromItsCacheWhileTheApiServerIsAway() throws Exception {
    agent = agent(client);
    agent.start();
    put("node-a", spec(5, "198.18.0.11"));
    await().atMost(Duration.ofSeconds(10)).until(() -> tables.get() != null && tables.get().generation() == 5);
    agent.close();
    server.destroy();

    tables.set(null);
    applier = new ConfigApplier(IFACE, tables, t -> {});
    try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withRequestTimeout(500)
            .withConnectionTimeout(500).build()).build()) {
      agent = agent(unreachable);
      assertThat(agent.startFromCache()).isTrue();
      assertThat(tables.get().generation()).isEqualTo(5);
      agent.start(); // status writes fail quietly; forwarding stays
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> tables.get().generation() == 5);
      agent.close();
      agent = null;
    }
  }
}
