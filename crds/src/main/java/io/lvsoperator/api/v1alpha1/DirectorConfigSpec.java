package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The head of the shared configuration: its generation, what every director shares, and the
 * revision each part must have for the set to be this generation ({@link SharedConfig}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectorConfigSpec(
    @JsonPropertyDescription("Increases with every change; directors report it back as applied") Long generation,
    @JsonProperty("interface") @JsonPropertyDescription("Interface the dataplanes own traffic on")
        String interfaceName,
    @JsonPropertyDescription("Connection table size and timeouts") ConnectionTableSpec connectionTable,
    @JsonPropertyDescription("Revision of every part, by part index: the set is complete when each part has its own")
        List<Long> partRevisions,
    @JsonPropertyDescription("Least seconds between two status writes of one director (the operator scales it with"
        + " the number of directors)")
        Integer statusIntervalSeconds,
    @JsonPropertyDescription("The directors as their peers know them on the network (router ID, address)")
        List<PeerSpec> peers,
    @JsonPropertyDescription("Milliseconds between two advertisements of a director; silent for three, it is dead"
        + " (default 100)")
        Integer advertisementIntervalMillis,
    @JsonPropertyDescription("Seconds a director that came back waits before it takes its addresses back"
        + " (keepalived's preempt_delay; default 10)")
        Integer holdSeconds) {

  public static final int DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS = 100;
  public static final int DEFAULT_HOLD_SECONDS = 10;

  public DirectorConfigSpec {
    generation = generation == null ? 0L : generation;
    connectionTable = connectionTable == null ? ConnectionTableSpec.DEFAULTS : connectionTable;
    partRevisions = partRevisions == null ? List.of() : List.copyOf(partRevisions);
    statusIntervalSeconds = statusIntervalSeconds == null ? 1 : statusIntervalSeconds;
    peers = peers == null ? List.of() : List.copyOf(peers);
    advertisementIntervalMillis = advertisementIntervalMillis == null ? DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS
        : advertisementIntervalMillis;
    holdSeconds = holdSeconds == null ? DEFAULT_HOLD_SECONDS : holdSeconds;
  }

  /** A head without peers (an operator that does not know their addresses yet, tests). */
  public DirectorConfigSpec(Long generation, String interfaceName, ConnectionTableSpec connectionTable,
      List<Long> partRevisions, Integer statusIntervalSeconds) {
    this(generation, interfaceName, connectionTable, partRevisions, statusIntervalSeconds, null, null, null);
  }
}
