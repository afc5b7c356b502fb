package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A part's services travel encoded, and come back as they went (docs/architecture.md, "The shared configuration"). */
class ConfigPartSpecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Services as the scale harness makes them: 16 real servers each, from a pool of addresses. */
  static List<ServiceSpec> services(int count, long seed) {
    Random random = new Random(seed);
    List<ServiceSpec> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<RealServerSpec> reals = new ArrayList<>();
      for (int r = 0; r < 16; r++) {
        reals.add(new RealServerSpec("198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "."
            + (1 + random.nextInt(254)), null, 1 + random.nextInt(3)));
      }
      out.add(new ServiceSpec("ns-" + (i % 10) + "/vs-" + random.nextInt(100_000), "198.19." + random.nextInt(256)
          + "." + (1 + random.nextInt(254)), 80, Protocol.TCP, ForwardingMode.DR, SchedulerName.MH, 0, null, reals));
    }
    return out;
  }

  @Test
  void theServicesTravelGzippedAndComeBackAsTheyWent() throws Exception {
    List<ServiceSpec> services = services(40, 1);
    ConfigPartSpec part = new ConfigPartSpec(3, 12L, services,
        List.of(new AnnounceSpec("198.19.0.1", List.of("node-a", "node-b"))));

    String wire = JSON.writeValueAsString(part);
    JsonNode tree = JSON.readTree(wire);
    assertThat(tree.has("services")).isFalse();
    assertThat(tree.path("announce").get(0).path("directors").get(1).asText()).isEqualTo("node-b");
    ConfigPartSpec read = JSON.readValue(wire, ConfigPartSpec.class);

    assertThat(read).isEqualTo(part);
    assertThat(read.index()).isEqualTo(3);
    assertThat(read.revision()).isEqualTo(12L);
    assertThat(read.services()).isEqualTo(services);
    assertThat(read.services()).as("decoded once per object").isSameAs(read.services());
  }

  @Test
  void aPartOfServicesIsAFractionOfTheirPlainJson() throws Exception {
    List<ServiceSpec> services = services(40, 2);
    int plain = JSON.writeValueAsBytes(services).length;

    int encoded = DirectorParts.encodedSize(new ConfigPartSpec(0, 1L, services, List.of()));

    // what the API server sends every director watching the part: measured 6 to 7 times smaller
    assertThat(encoded).isLessThan(plain / 4);
  }

  @Test
  void aPartWithoutServicesCarriesNoEncodedList() throws Exception {
    ConfigPartSpec part = new ConfigPartSpec(1, 2L, List.of(), List.of(new AnnounceSpec("198.19.0.1", List.of())));

    assertThat(JSON.readTree(JSON.writeValueAsString(part)).has("servicesGzip")).isFalse();
    assertThat(JSON.readValue(JSON.writeValueAsString(part), ConfigPartSpec.class).services()).isEmpty();
  }

  @Test
  void servicesThatCannotBeDecodedAreRefusedNamingThePart() throws Exception {
    String notGzip = Base64.getEncoder().encodeToString("[]".getBytes(StandardCharsets.UTF_8));
    String notAList = Base64.getEncoder().encodeToString(gzip("{\"vip\":1}".getBytes(StandardCharsets.UTF_8)));

    for (String bad : List.of("%%%", notGzip, notAList)) {
      ConfigPartSpec part = new ConfigPartSpec(5, 9L, bad, List.of());
      assertThatThrownBy(part::services).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("part 5 (revision 9): servicesGzip");
    }
  }

  @Test
  void aListThatDecodesPastTheLimitIsRefusedBeforeItFillsTheHeap() throws Exception {
    byte[] spaces = new byte[ServicesEncoding.MAX_DECODED_BYTES + 1];
    java.util.Arrays.fill(spaces, (byte) ' ');
    spaces[0] = '[';
    String bomb = Base64.getEncoder().encodeToString(gzip(spaces));
    assertThat(bomb.length()).isLessThan(1024 * 1024);

    assertThatThrownBy(() -> new ConfigPartSpec(0, 1L, bomb, List.of()).services())
        .hasMessageContaining("decodes to more than");
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(data);
    }
    return out.toByteArray();
  }
}
