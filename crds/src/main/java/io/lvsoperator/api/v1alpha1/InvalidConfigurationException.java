package io.lvsoperator.api.v1alpha1;

import java.util.List;

/** A configuration that cannot be applied; each violation names its field. */
public class InvalidConfigurationException extends Exception {
  private final List<String> violations;

  public InvalidConfigurationException(List<String> violations) {
    super("invalid configuration: " + String.join("; ", violations));
    this.violations = List.copyOf(violations);
  }

  public List<String> violations() {
    return violations;
  }
}
