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
  VipMoved
}
