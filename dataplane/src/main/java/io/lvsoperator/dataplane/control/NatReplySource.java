package io.lvsoperator.dataplane.control;

/**
 * Where NAT replies come from: a real server's address, port (0: any) and protocol. Replies from
 * these are translated by the dataplane and hidden from the kernel.
 */
public record NatReplySource(int address, int port, int protocol) {}
