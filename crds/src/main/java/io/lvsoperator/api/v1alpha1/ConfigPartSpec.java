package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * One part of the shared configuration: the services of the VirtualServices whose names hash to
 * this part, and the announce order of the addresses that hash to it ({@link SharedConfig}). The
 * services travel encoded ({@link ServicesEncoding}) and are decoded once per object, when first
 * asked for: a reader assembles its configuration from the same parts again on every change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"index", "revision", "servicesGzip", "announce"})
public final class ConfigPartSpec {
  private final int index;
  private final long revision;
  private final String servicesGzip;
  private final List<AnnounceSpec> announce;
  private volatile List<ServiceSpec> services;

  /** A part as read from the API; its services are decoded when first asked for. */
  @JsonCreator
  public ConfigPartSpec(@JsonProperty("index") Integer index, @JsonProperty("revision") Long revision,
      @JsonProperty("servicesGzip") String servicesGzip, @JsonProperty("announce") List<AnnounceSpec> announce) {
    this.index = index == null ? 0 : index;
    this.revision = revision == null ? 0L : revision;
    this.servicesGzip = servicesGzip;
    this.announce = announce == null ? List.of() : List.copyOf(announce);
    this.services = servicesGzip == null ? List.of() : null;
  }

  /** A part to write: its services encoded now, so its size is known before it is written. */
  public ConfigPartSpec(Integer index, Long revision, List<ServiceSpec> services, List<AnnounceSpec> announce) {
    this(index, revision, services == null || services.isEmpty() ? null : ServicesEncoding.encode(services),
        announce);
    this.services = services == null ? List.of() : List.copyOf(services);
  }

  @JsonProperty("index")
  @JsonPropertyDescription("Position of this part, from 0")
  public Integer index() {
    return index;
  }

  @JsonProperty("revision")
  @JsonPropertyDescription("The configuration generation this part was last written in")
  public Long revision() {
    return revision;
  }

  @JsonProperty("servicesGzip")
  @JsonPropertyDescription("The virtual services of the VirtualServices that hash to this part: their JSON array,"
      + " gzipped, in base64 (read one with: base64 -d | gunzip)")
  public String servicesGzip() {
    return servicesGzip;
  }

  @JsonProperty("announce")
  @JsonPropertyDescription("Addresses and the directors that may announce them, owner first")
  public List<AnnounceSpec> announce() {
    return announce;
  }

  /** The services, decoded once; IllegalArgumentException naming this part when they cannot be. */
  public List<ServiceSpec> services() {
    List<ServiceSpec> decoded = services;
    if (decoded == null) {
      try {
        decoded = ServicesEncoding.decode(servicesGzip);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("part " + index + " (revision " + revision + "): " + e.getMessage(), e);
      }
      services = decoded; // two threads may both decode: the same list either way
    }
    return decoded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigPartSpec p && index == p.index && revision == p.revision
        && Objects.equals(servicesGzip, p.servicesGzip) && announce.equals(p.announce);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, revision, servicesGzip, announce);
  }

  @Override
  public String toString() {
    return "ConfigPartSpec[index=" + index + ", revision=" + revision + ", servicesGzip="
        + (servicesGzip == null ? 0 : servicesGzip.length()) + " chars, announce=" + announce.size() + "]";
  }
}
