package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One part of a director configuration too large for one API object: the node's Director
 * objects (label lvsoperator.io/node) each carry a slice of the services and the same
 * generation; the dataplane applies a generation once it holds all {@code count} parts of it.
 */
public record ShardSpec(
    @JsonPropertyDescription("Position of this part, from 0") Integer index,
    @JsonPropertyDescription("How many parts the configuration has") Integer count) {}
