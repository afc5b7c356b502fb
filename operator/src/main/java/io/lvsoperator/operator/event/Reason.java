package io.lvsoperator.operator.event;

/** Every reason the operator puts on a condition or an Event: a closed set, CamelCase. */
public enum Reason {
  Accepted,
  InvalidSpec,
  Conflict,
  Programmed,
  Pending,
  NotAccepted,
  NoReadyDirector,
  NoBackends,
  DirectorNotReady,
  Ready,
  RealServerUnhealthy,
  RealServerHealthy,
  /** Another director announces the VIP now. */
  VipMoved,
  /** The VIP lies in no VipPool the VirtualService may use. */
  VipNotAllowed,
  /** Every address of the pools a VirtualService may take one from is in use. */
  PoolExhausted,
  /** An address was taken from a pool for a VirtualService that left spec.vip empty. */
  VipAssigned,
  /** A VipPool overlaps an older one. */
  Overlapping,
  /** A VipPool holds special addresses or the cluster's own. */
  ReservedRange
}
