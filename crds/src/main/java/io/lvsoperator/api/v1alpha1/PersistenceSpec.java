package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Client-IP affinity, as ipvsadm -p. */
public record PersistenceSpec(
    @Min(0) @Max(2678400)
    @JsonPropertyDescription("Seconds a client stays with its real server after its last connection; 0 = off")
        Integer timeoutSeconds) {}
