package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * One part of the shared configuration: the services of the VirtualServices whose names hash to
 * this part, and the announce order of the addresses that hash to it ({@link SharedConfig}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigPartSpec(
    @JsonPropertyDescription("Position of this part, from 0") Integer index,
    @JsonPropertyDescription("The configuration generation this part was last written in") Long revision,
    @JsonPropertyDescription("Virtual services, by VirtualService name") List<ServiceSpec> services,
    @JsonPropertyDescription("Addresses and the directors that may announce them, owner first")
        List<AnnounceSpec> announce) {

  public ConfigPartSpec {
    index = index == null ? 0 : index;
    revision = revision == null ? 0L : revision;
    services = services == null ? List.of() : List.copyOf(services);
    announce = announce == null ? List.of() : List.copyOf(announce);
  }
}
