package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The contract of a director configuration split over several Director objects, written by the
 * operator and read by the dataplane (both use this class, nothing else). The parts of one node
 * carry the label {@link #NODE_LABEL}, are named {@code NODE}, {@code NODE-shard-1}, ..., and
 * share one generation; each carries the whole configuration but a slice of the services, in
 * order. A part is cut when its encoded size would pass the byte budget (or its service count
 * the operator's limit), so no object nears the API server's limit whatever the services hold.
 * A set is complete, and assembles, only when it holds every part of one generation.
 */
public final class DirectorParts {
  public static final String NODE_LABEL = "lvsoperator.io/node";
  /** Bytes of JSON per part: half a MiB, well under the API server's 1.5 MiB with metadata. */
  public static final int DEFAULT_MAX_BYTES = 512 * 1024;
  /** What {@link ShardSpec} and the JSON around the service list add to a part, rounded up. */
  static final int SHARD_OVERHEAD_BYTES = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private DirectorParts() {}

  /** The object name of part {@code index} of {@code node}'s configuration. */
  public static String partName(String node, int index) {
    return index == 0 ? node : node + "-shard-" + index;
  }

  /** Bytes of {@code value} as JSON, as the API server stores it (near enough to budget with). */
  public static int encodedSize(Object value) {
    try {
      return JSON.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * The parts of {@code spec}: itself when it fits, else shards in service order, each with at
   * most {@code maxServices} services and, unless a single service is larger, at most
   * {@code maxBytes} encoded.
   */
  public static List<DirectorSpec> split(DirectorSpec spec, int maxServices, int maxBytes) {
    if (maxServices < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    List<ServiceSpec> all = spec.services();
    int header = encodedSize(spec.asShard(0, 1, List.of())) + SHARD_OVERHEAD_BYTES;
    List<List<ServiceSpec>> slices = new ArrayList<>();
    List<ServiceSpec> current = new ArrayList<>();
    int bytes = header;
    for (ServiceSpec s : all) {
      int size = encodedSize(s) + 1; // the comma between list items
      if (!current.isEmpty() && (current.size() >= maxServices || bytes + size > maxBytes)) {
        slices.add(current);
        current = new ArrayList<>();
        bytes = header;
      }
      current.add(s);
      bytes += size;
    }
    if (slices.isEmpty()) {
      return List.of(spec);
    }
    slices.add(current);
    List<DirectorSpec> parts = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      parts.add(spec.asShard(i, slices.size(), slices.get(i)));
    }
    return parts;
  }

  /**
   * The configuration the parts make: one whole spec, or every part of one generation, in index
   * order. Empty while the set is incomplete (parts of two generations while the operator writes
   * them, a part missing or doubled), so a dataplane never runs half a configuration.
   */
  public static Optional<DirectorSpec> assemble(Collection<DirectorSpec> parts) {
    List<DirectorSpec> specs = parts.stream().filter(s -> s != null).toList();
    if (specs.isEmpty()) {
      return Optional.empty();
    }
    if (specs.size() == 1 && specs.get(0).shard() == null) {
      return Optional.of(specs.get(0));
    }
    long generation = specs.get(0).generation();
    Integer count = specs.get(0).shard() == null ? null : specs.get(0).shard().count();
    if (count == null || count != specs.size() || specs.stream().anyMatch(s -> s.shard() == null
        || s.generation() != generation || !count.equals(s.shard().count()) || s.shard().index() == null)) {
      return Optional.empty();
    }
    List<DirectorSpec> ordered = new ArrayList<>(specs);
    ordered.sort(Comparator.comparing(s -> s.shard().index()));
    List<ServiceSpec> services = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      if (ordered.get(i).shard().index() != i) {
        return Optional.empty();
      }
      services.addAll(ordered.get(i).services());
    }
    DirectorSpec first = ordered.get(0);
    return Optional.of(new DirectorSpec(generation, first.interfaceName(), first.addresses(), first.vips(),
        first.routes(), services, first.connectionTable()));
  }
}
