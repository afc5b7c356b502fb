package io.lvsoperator.dataplane.admin;

/** What the probes ask: null when all is well, else why not, in words for the probe's body. */
public interface DirectorHealth {
  /** Liveness: the process should be restarted when this is not null (the engine loop is stuck). */
  String notLive();

  /** Readiness: the director cannot forward now (no configuration, link down, port failed). */
  String notReady();
}
