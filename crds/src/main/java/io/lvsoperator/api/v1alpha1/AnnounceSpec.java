package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Who may announce one address (a VIP, or a NAT gateway that must be where its VIPs are): the
 * director nodes in order, the owner first and its standbys after it.
 */
public record AnnounceSpec(
    @JsonPropertyDescription("The VIP or gateway address") String address,
    @JsonPropertyDescription("Director nodes in order of preference; the first announces the address")
        List<String> directors) {

  public AnnounceSpec {
    directors = directors == null ? List.of() : List.copyOf(directors);
  }

  /** The node that announces the address, or null when no director may. */
  public String owner() {
    return directors.isEmpty() ? null : directors.get(0);
  }
}
