package io.lvsoperator.operator.render;

/** A node that runs a dataplane pod; only ready ones may own VIPs. */
public record DirectorNode(String name, boolean ready) {}
