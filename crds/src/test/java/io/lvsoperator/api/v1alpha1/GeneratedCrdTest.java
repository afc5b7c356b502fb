package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRD YAML generated from the Java types at build time is what users and kubectl get. */
class GeneratedCrdTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode crd(String file) throws Exception {
    try (InputStream in = GeneratedCrdTest.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
      assertThat(in).as("generated %s on the classpath", file).isNotNull();
      return YAML.readTree(in);
    }
  }

  static List<String> columns(JsonNode crd) {
    List<String> out = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns").forEach(c -> out.add(c.get("name").asText()));
    return out;
  }

  @Test
  void bothParseAsApiextensionsV1CustomResourceDefinitions() throws Exception {
    for (String file : List.of("virtualservices.lvsoperator.io-v1.yml", "directors.lvsoperator.io-v1.yml")) {
      try (InputStream in = GeneratedCrdTest.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
        CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
        assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
          assertThat(v.getServed()).isTrue();
          assertThat(v.getStorage()).isTrue();
          assertThat(v.getSchema().getOpenAPIV3Schema().getProperties()).containsKeys("spec", "status");
        });
      }
    }
  }

  @Test
  void virtualServiceIsNamespacedWithShortNameColumnsAndStatus() throws Exception {
    JsonNode crd = crd("virtualservices.lvsoperator.io-v1.yml");
    assertThat(crd.at("/spec/group").asText()).isEqualTo("lvsoperator.io");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("lvs");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
    assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
    assertThat(columns(crd)).containsExactlyInAnyOrder("VIP", "PORTS", "MODE", "SCHEDULER", "DIRECTOR", "READY", "AGE");
  }

  @Test
  void virtualServiceSchemaValidatesAndDescribesItsFields() throws Exception {
    JsonNode spec = crd("virtualservices.lvsoperator.io-v1.yml").at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(spec.at("/properties/vip/pattern").asText()).isEqualTo(VirtualServiceSpec.IPV4_PATTERN);
    // an empty vip is assigned from a VipPool
    assertThat(spec.at("/required").toString()).contains("ports").doesNotContain("vip");
    assertThat(spec.at("/properties/mode/enum").toString()).contains("DR", "NAT", "TUN");
    assertThat(spec.at("/properties/scheduler/enum").toString()).contains("rr", "wrr", "lc", "wlc", "sh", "mh");
    assertThat(spec.at("/properties/ports/items/properties/port/maximum").asInt()).isEqualTo(65535);
    assertThat(spec.at("/properties/realServers/items/properties/address/pattern").asText())
        .isEqualTo(VirtualServiceSpec.IPV4_PATTERN);
    assertThat(spec.at("/properties/realServers/items/properties/weight/maximum").asInt()).isEqualTo(65535);
    assertThat(spec.at("/x-kubernetes-validations/0/rule").asText()).isEqualTo("has(self.service) != has(self.realServers)");
    // kubectl explain reads these: every property of the spec has a description
    spec.at("/properties").fields().forEachRemaining(f ->
        assertThat(f.getValue().path("description").asText()).as("description of spec.%s", f.getKey()).isNotBlank());
  }

  @Test
  void vipPoolIsClusterScopedWithItsColumnsAndStatus() throws Exception {
    JsonNode crd = crd("vippools.lvsoperator.io-v1.yml");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("vippool");
    assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
    assertThat(columns(crd)).containsExactlyInAnyOrder("ADDRESSES", "AUTO", "ASSIGNED", "AVAILABLE", "ACCEPTED", "AGE");
    JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(spec.at("/required").toString()).contains("addresses");
    assertThat(spec.at("/properties/addresses/maxItems").asInt()).isEqualTo(VipPoolSpec.MAX_RANGES);
    assertThat(spec.at("/properties/namespaceSelector/properties").has("matchExpressions")).isTrue();
    assertThat(spec.at("/properties/nodeSelector/properties").has("matchLabels")).isTrue();
    spec.at("/properties").fields().forEachRemaining(f ->
        assertThat(f.getValue().path("description").asText()).as("description of spec.%s", f.getKey()).isNotBlank());
    assertThat(crd("virtualservices.lvsoperator.io-v1.yml")
        .at("/spec/versions/0/schema/openAPIV3Schema/properties/status/properties").has("vip")).isTrue();
  }

  @Test
  void directorIsClusterScopedAndCarriesTheDataplaneContract() throws Exception {
    JsonNode crd = crd("directors.lvsoperator.io-v1.yml");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("lvsdir");
    assertThat(columns(crd)).contains("APPLIED", "READY", "MAC", "AGE");
    JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    // the contract's field names, as docs/architecture.md fixes them ("Dataplane configuration (the contract)")
    assertThat(spec.has("interface")).isTrue();
    for (String f : List.of("generation", "addresses", "vips", "routes", "services")) {
      assertThat(spec.has(f)).as(f).isTrue();
    }
    assertThat(spec.at("/services/items/properties/realServers/items/properties").has("weight")).isTrue();
  }

  @Test
  void theSharedConfigurationIsClusterScopedAndCarriesTheContract() throws Exception {
    JsonNode head = crd("directorconfigs.lvsoperator.io-v1.yml");
    assertThat(head.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(head.at("/spec/names/shortNames/0").asText()).isEqualTo("lvsconf");
    JsonNode headSpec = head.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    for (String f : List.of("generation", "interface", "connectionTable", "partRevisions", "statusIntervalSeconds")) {
      assertThat(headSpec.has(f)).as(f).isTrue();
    }
    JsonNode part = crd("directorconfigparts.lvsoperator.io-v1.yml");
    assertThat(part.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(part.at("/spec/names/shortNames/0").asText()).isEqualTo("lvspart");
    JsonNode partSpec = part.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    for (String f : List.of("index", "revision", "servicesGzip", "announce")) {
      assertThat(partSpec.has(f)).as(f).isTrue();
    }
    assertThat(partSpec.has("services")).as("services travel encoded only").isFalse();
    assertThat(partSpec.at("/servicesGzip/type").asText()).isEqualTo("string");
    assertThat(partSpec.at("/announce/items/properties").has("directors")).isTrue();
  }
}
