package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What one director runs: the dataplane configuration contract (docs/architecture.md, "Dataplane
 * configuration (the contract)"). The same record is read from a file in standalone mode and from
 * the Director custom resource in the cluster.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectorSpec(
    @JsonPropertyDescription("Increases with every change; reported back as applied") Long generation,
    @JsonProperty("interface") @JsonPropertyDescription("Interface the dataplane owns traffic on")
        String interfaceName,
    @JsonPropertyDescription(
            "Director addresses (DIPs) in CIDR notation; empty means the interface's own IPv4 address")
        List<String> addresses,
    @JsonPropertyDescription("Virtual IPs this director announces and answers for") List<String> vips,
    @JsonPropertyDescription("Routes beyond the connected prefixes of the addresses")
        List<RouteSpec> routes,
    @JsonPropertyDescription("Virtual services") List<ServiceSpec> services,
    @JsonPropertyDescription("Connection table size and timeouts") ConnectionTableSpec connectionTable,
    @JsonPropertyDescription("Which part this is when the services are split over several objects; absent: the whole")
        ShardSpec shard,
    @JsonPropertyDescription("Peers and per-address orders: the directors decide among themselves who announces"
        + " each address; absent: this director announces its vips")
        FailoverSpec failover) {

  /** A configuration in one piece. */
  public DirectorSpec(Long generation, String interfaceName, List<String> addresses, List<String> vips,
      List<RouteSpec> routes, List<ServiceSpec> services, ConnectionTableSpec connectionTable) {
    this(generation, interfaceName, addresses, vips, routes, services, connectionTable, null, null);
  }

  public DirectorSpec {
    generation = generation == null ? 0L : generation;
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    vips = vips == null ? List.of() : List.copyOf(vips);
    routes = routes == null ? List.of() : List.copyOf(routes);
    services = services == null ? List.of() : List.copyOf(services);
    connectionTable = connectionTable == null ? ConnectionTableSpec.DEFAULTS : connectionTable;
  }

  /** The same configuration on another interface (the --interface flag overrides the file). */
  public DirectorSpec withInterfaceName(String name) {
    return new DirectorSpec(generation, name, addresses, vips, routes, services, connectionTable, shard, failover);
  }

  /** The same configuration announcing {@code v} instead. */
  public DirectorSpec withVips(List<String> v) {
    return new DirectorSpec(generation, interfaceName, addresses, v, routes, services, connectionTable, shard,
        failover);
  }

  public DirectorSpec withGeneration(long g) {
    return new DirectorSpec(g, interfaceName, addresses, vips, routes, services, connectionTable, shard, failover);
  }

  /** Part {@code index} of {@code count}, holding {@code part} of the services. */
  public DirectorSpec asShard(int index, int count, List<ServiceSpec> part) {
    return new DirectorSpec(generation, interfaceName, addresses, vips, routes, part, connectionTable,
        new ShardSpec(index, count), failover);
  }

  /** The same configuration deciding failover by {@code f} (null: announcing its vips as given). */
  public DirectorSpec withFailover(FailoverSpec f) {
    return new DirectorSpec(generation, interfaceName, addresses, vips, routes, services, connectionTable, shard, f);
  }

  /** The same configuration announcing nothing at all, whatever its peers do. */
  public DirectorSpec withoutAnnouncements() {
    return new DirectorSpec(generation, interfaceName, addresses, List.of(), routes, services, connectionTable, shard,
        null);
  }
}
