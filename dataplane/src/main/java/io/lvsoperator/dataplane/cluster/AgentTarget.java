package io.lvsoperator.dataplane.cluster;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import java.time.Instant;

/**
 * What cluster mode drives: the dataplane's own configuration path ({@link DataplaneTarget}), or a
 * simulated director in the scale harness that speaks the same contract without forwarding.
 */
public interface AgentTarget {
  /** Makes {@code spec} the configuration in force; false when refused (the old one stays). */
  boolean apply(DirectorSpec spec, String source);

  /** Why the latest configuration was refused, or null. */
  String lastRejection();

  /** The status to report now; {@code previous} is what the object holds (for transition times). */
  DirectorStatus status(DirectorStatus previous, Instant now);
}
