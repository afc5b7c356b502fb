package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The shared configuration's contract: what the operator writes assembles back on every dataplane. */
class SharedConfigTest {
  /** The API as far as this contract goes: parts by index, and the head. */
  static final class Store {
    final Map<Integer, ConfigPartSpec> parts = new HashMap<>();
    DirectorConfigSpec head;
    int lastWriteBytes;

    void apply(SharedConfigLayout.Publication p) {
      lastWriteBytes = 0;
      for (ConfigPartSpec part : p.parts()) {
        parts.put(part.index(), part);
        lastWriteBytes += DirectorParts.encodedSize(part);
      }
      head = new DirectorConfigSpec(p.generation(), "eth0", null, p.partRevisions(), null);
      lastWriteBytes += DirectorParts.encodedSize(head);
    }
  }

  static List<ServiceSpec> services(String key, int ports, int realServers) {
    List<ServiceSpec> out = new ArrayList<>();
    for (int p = 0; p < ports; p++) {
      List<RealServerSpec> reals = new ArrayList<>();
      for (int i = 0; i < realServers; i++) {
        reals.add(new RealServerSpec("198.18." + (i / 250) + "." + (1 + i % 250), null, 1 + i % 7));
      }
      out.add(new ServiceSpec(key, "198.18.1." + (1 + Math.floorMod(key.hashCode(), 250)), 80 + p, null, null,
          null, null, null, reals));
    }
    return out;
  }

  /** Services by VirtualService name: what the parts must give back, in any order of keys. */
  static Map<String, List<ServiceSpec>> byKey(List<ServiceSpec> list) {
    Map<String, List<ServiceSpec>> out = new TreeMap<>();
    list.forEach(s -> out.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s));
    return out;
  }

  /**
   * Any sequence of changes, any budget: after each publication the parts on the API assemble,
   * in any order, to exactly what the writer holds; a part passes the budget only when it holds
   * one VirtualService or address; a missing part or a part at another revision assembles to
   * nothing; and a single change rewrites one part, unless the layout resized.
   */
  @Property(tries = 200)
  void anySequenceOfChangesAssemblesBackToWhatTheWriterHolds(
      @ForAll @IntRange(min = 1, max = 60) int steps, @ForAll @IntRange(min = 2, max = 16) int budgetKiB,
      @ForAll long seed) {
    Random random = new Random(seed);
    int budget = budgetKiB * 1024;
    SharedConfigLayout layout = new SharedConfigLayout(budget);
    Store store = new Store();
    Map<String, List<ServiceSpec>> model = new TreeMap<>();
    Map<String, List<String>> announce = new TreeMap<>();
    long generation = 0;
    for (int step = 0; step < steps; step++) {
      int changes = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
      String single = null;
      for (int c = 0; c < changes; c++) {
        String key = "ns-" + random.nextInt(8) + "/vs-" + random.nextInt(120);
        String address = "198.18.2." + random.nextInt(200);
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            List<ServiceSpec> list = services(key, 1 + random.nextInt(2), random.nextInt(12));
            if (layout.putServices(key, list)) {
              single = key;
            }
            model.put(key, list);
          }
          case 2 -> {
            layout.removeServices(key);
            model.remove(key);
            single = key;
          }
          default -> {
            if (random.nextInt(4) == 0) {
              layout.removeAnnounce(address);
              announce.remove(address);
            } else {
              List<String> order = List.of("node-" + random.nextInt(5), "node-" + (5 + random.nextInt(5)));
              layout.putAnnounce(address, order);
              announce.put(address, order);
            }
            single = address;
          }
        }
      }
      SharedConfigLayout.Publication p = layout.publish(++generation);
      store.apply(p);
      layout.written(p);
      if (changes == 1 && !p.resized()) {
        assertThat(p.parts()).as("parts written for one change").hasSizeLessThanOrEqualTo(1);
      }

      List<ConfigPartSpec> onApi = new ArrayList<>(store.parts.values());
      Collections.shuffle(onApi, random);
      SharedConfig.Assembled a = SharedConfig.assemble(store.head, onApi).orElseThrow();
      assertThat(byKey(a.services())).isEqualTo(model.entrySet().stream().filter(e -> !e.getValue().isEmpty())
          .collect(TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
      assertThat(a.announce()).isEqualTo(announce);
      assertThat(a.generation()).isEqualTo(generation);

      long total = store.head.partRevisions().size() == 0 ? 0 : store.parts.entrySet().stream()
          .filter(e -> e.getKey() < store.head.partRevisions().size())
          .mapToLong(e -> DirectorParts.encodedSize(e.getValue())).sum();
      for (int i = 0; i < store.head.partRevisions().size(); i++) {
        ConfigPartSpec part = store.parts.get(i);
        long entries = part.services().stream().map(ServiceSpec::name).distinct().count() + part.announce().size();
        if (DirectorParts.encodedSize(part) > budget && entries > 1) {
          // only when more parts would leave them a quarter full on average (give or take their
          // JSON overhead)
          assertThat((long) store.head.partRevisions().size() * budget).as("parts x budget").isGreaterThan(total * 2);
        }
      }
      if (!onApi.isEmpty() && store.head.partRevisions().size() > 0) {
        List<ConfigPartSpec> missing = new ArrayList<>(onApi);
        missing.removeIf(x -> x.index() == 0);
        assertThat(SharedConfig.assemble(store.head, missing)).as("part 0 missing").isEmpty();
        List<ConfigPartSpec> stale = new ArrayList<>(missing);
        ConfigPartSpec zero = store.parts.get(0);
        stale.add(new ConfigPartSpec(0, zero.revision() - 1, zero.services(), zero.announce()));
        assertThat(SharedConfig.assemble(store.head, stale)).as("part 0 of an older revision").isEmpty();
      }
    }
  }

  @Test
  void tenThousandServicesStayUnderTheBudgetAndOneChangeWritesLittle() {
    SharedConfigLayout layout = new SharedConfigLayout(SharedConfig.DEFAULT_MAX_PART_BYTES);
    for (int i = 0; i < 10_000; i++) {
      layout.putServices("tenant-" + (i % 50) + "/vs-" + i, services("tenant-" + (i % 50) + "/vs-" + i, 1, 16));
      layout.putAnnounce("198.19." + (i / 250) + "." + (1 + i % 250), List.of("node-" + (i % 100), "node-" + ((i + 1) % 100)));
    }
    Store store = new Store();
    SharedConfigLayout.Publication first = layout.publish(1);
    store.apply(first);
    layout.written(first);
    for (ConfigPartSpec p : first.parts()) {
      assertThat(DirectorParts.encodedSize(p)).isLessThan(SharedConfig.DEFAULT_MAX_PART_BYTES);
    }
    assertThat(SharedConfig.assemble(store.head, store.parts.values()).orElseThrow().services()).hasSize(10_000);

    layout.putServices("tenant-7/vs-7", services("tenant-7/vs-7", 1, 15));
    SharedConfigLayout.Publication change = layout.publish(2);
    store.apply(change);
    layout.written(change);
    assertThat(change.parts()).hasSize(1);
    assertThat(store.lastWriteBytes).as("bytes one change writes").isLessThan(64 * 1024);

    SharedConfigLayout.Publication nothing = layout.publish(3);
    assertThat(nothing.parts()).isEmpty();
  }

  @Test
  void aRestartedWriterAdoptsTheLayoutAndRewritesNothingUnchanged() {
    SharedConfigLayout before = new SharedConfigLayout(4096);
    for (int i = 0; i < 200; i++) {
      before.putServices("ns/vs-" + i, services("ns/vs-" + i, 1, 4));
    }
    Store store = new Store();
    SharedConfigLayout.Publication p = before.publish(5);
    store.apply(p);
    before.written(p);

    SharedConfigLayout after = new SharedConfigLayout(4096);
    after.adopt(store.head, store.parts.values());
    for (int i = 0; i < 200; i++) {
      after.putServices("ns/vs-" + i, services("ns/vs-" + i, 1, i == 3 ? 5 : 4));
    }
    SharedConfigLayout.Publication next = after.publish(6);
    assertThat(next.parts()).hasSize(1);
    assertThat(next.partRevisions()).hasSize(store.head.partRevisions().size());
  }

  @Test
  void aDirectorRunsEveryServiceAndAnnouncesWhatItIsFirstFor() {
    ConfigPartSpec part = new ConfigPartSpec(0, 4L, services("ns/a", 1, 2),
        List.of(new AnnounceSpec("198.18.0.10", List.of("n1", "n2")), new AnnounceSpec("198.18.0.11", List.of("n2", "n1")),
            new AnnounceSpec("198.18.0.12", List.of())));
    DirectorConfigSpec head = new DirectorConfigSpec(4L, "eth1", null, List.of(4L), 3);
    SharedConfig.Assembled a = SharedConfig.assemble(head, List.of(part)).orElseThrow();
    DirectorSpec n1 = a.forDirector("n1");
    assertThat(n1.vips()).containsExactly("198.18.0.10");
    assertThat(n1.services()).isEqualTo(part.services());
    assertThat(n1.generation()).isEqualTo(4);
    assertThat(n1.interfaceName()).isEqualTo("eth1");
    assertThat(a.forDirector("n3").vips()).isEmpty();
    assertThat(a.statusIntervalSeconds()).isEqualTo(3);
    assertThat(SharedConfig.assemble(null, List.of(part))).isEmpty();
    assertThat(n1.failover()).as("no peers named: the operator decides alone").isNull();
  }

  /** Once the head names peers, each director gets every order and decides with its peers. */
  @Test
  void withPeersADirectorGetsEveryOrderToDecideWithThem() {
    List<AnnounceSpec> orders = List.of(new AnnounceSpec("198.18.0.10", List.of("n1", "n2")),
        new AnnounceSpec("198.18.0.11", List.of("n2", "n1")));
    ConfigPartSpec part = new ConfigPartSpec(0, 4L, services("ns/a", 1, 2), orders);
    List<PeerSpec> peers = List.of(new PeerSpec("n1", "198.18.0.2", 1), new PeerSpec("n2", "198.18.0.3", 2));
    DirectorConfigSpec head = new DirectorConfigSpec(4L, "eth1", null, List.of(4L), 3, peers, 200, 5);
    DirectorSpec n2 = SharedConfig.assemble(head, List.of(part)).orElseThrow().forDirector("n2");
    assertThat(n2.vips()).containsExactly("198.18.0.11");
    assertThat(n2.failover()).isEqualTo(new FailoverSpec("n2", 200, 5, peers, orders));
    assertThat(DirectorSpecValidator.validate(n2)).isEmpty();
  }

  @Test
  void theHashIsFixed() {
    // the writer and every reader, of any version, must agree: these values may never change
    assertThat(Long.toHexString(SharedConfig.hash("default/web"))).isEqualTo("43ebfb5ca037b82");
    assertThat(Long.toHexString(SharedConfig.hash(""))).isEqualTo("efd01f60ba992926");
    assertThat(SharedConfig.partOf("default/web", 1024)).isEqualTo(898);
    assertThat(SharedConfig.partOf("default/web", 1)).isZero();
  }
}
