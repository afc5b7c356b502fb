package io.lvsoperator.dataplane.cluster;

import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Puts a node's configuration together from its Director objects: one whole spec, or every part
 * of a sharded one at the same generation. An incomplete set (parts of two generations while the
 * operator writes them) yields nothing, so the dataplane never runs half a configuration.
 */
public final class DirectorAssembler {
  private DirectorAssembler() {}

  public static Optional<DirectorSpec> assemble(Collection<Director> objects) {
    List<DirectorSpec> specs = objects.stream().map(Director::getSpec).filter(s -> s != null).toList();
    if (specs.isEmpty()) {
      return Optional.empty();
    }
    if (specs.size() == 1 && specs.get(0).shard() == null) {
      return Optional.of(specs.get(0));
    }
    long generation = specs.get(0).generation();
    int count = specs.get(0).shard() == null ? -1 : specs.get(0).shard().count();
    if (count != specs.size() || specs.stream().anyMatch(s -> s.shard() == null || s.generation() != generation
        || s.shard().count() != count)) {
      return Optional.empty();
    }
    List<DirectorSpec> parts = new ArrayList<>(specs);
    parts.sort(Comparator.comparing(s -> s.shard().index()));
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).shard().index() != i) {
        return Optional.empty();
      }
    }
    List<ServiceSpec> services = new ArrayList<>();
    parts.forEach(p -> services.addAll(p.services()));
    DirectorSpec first = parts.get(0);
    return Optional.of(new DirectorSpec(generation, first.interfaceName(), first.addresses(), first.vips(),
        first.routes(), services, first.connectionTable()));
  }
}
