package io.lvsoperator.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RouterIdsTest {
  @Test
  void newDirectorsTakeTheLowestFreeIdsAndKeepThem() {
    Map<String, Integer> first = RouterIds.assign(Map.of(), Set.of("node-b", "node-a"));
    assertThat(first).containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 1, "node-b", 2));
    Map<String, Integer> second = RouterIds.assign(first, Set.of("node-b", "node-c"));
    assertThat(second).as("node-b keeps 2, node-c takes the 1 node-a left")
        .containsExactlyInAnyOrderEntriesOf(Map.of("node-b", 2, "node-c", 1));
  }

  @Test
  void duplicatesAndOutOfRangeIdsFromBeforeAreGivenAgain() {
    Map<String, Integer> ids = RouterIds.assign(Map.of("node-a", 7, "node-b", 7, "node-c", 300),
        Set.of("node-a", "node-b", "node-c"));
    assertThat(ids.get("node-a")).isEqualTo(7);
    assertThat(new HashSet<>(ids.values())).hasSize(3).allMatch(id -> id >= 1 && id <= 255);
  }

  @Test
  void past255DirectorsTheRestGetNone() {
    Set<String> many = IntStream.range(0, 300).mapToObj(i -> "node-" + i).collect(Collectors.toSet());
    Map<String, Integer> ids = RouterIds.assign(Map.of(), many);
    assertThat(ids).hasSize(255);
    assertThat(new HashSet<>(ids.values())).hasSize(255);
  }
}
