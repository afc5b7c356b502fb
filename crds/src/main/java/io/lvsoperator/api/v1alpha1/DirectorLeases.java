package io.lvsoperator.api.v1alpha1;

/**
 * The liveness contract: every dataplane holds a coordination.k8s.io Lease named
 * {@code lvs-director-NODE} in its own namespace, labelled {@link #NODE_LABEL}, and renews it
 * every third of its duration; the operator treats a director whose Lease it has not seen
 * renewed for the duration as gone (as the node lifecycle controller treats node Leases).
 */
public final class DirectorLeases {
  public static final String NODE_LABEL = DirectorParts.NODE_LABEL;
  public static final int DEFAULT_DURATION_SECONDS = 30;

  private DirectorLeases() {}

  public static String name(String node) {
    return "lvs-director-" + node;
  }
}
