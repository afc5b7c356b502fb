package io.lvsoperator.operator.pools;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A metav1.LabelSelector evaluated against labels, as the API server evaluates it: matchLabels
 * and every matchExpressions requirement must hold (In, NotIn, Exists, DoesNotExist); an absent
 * selector selects everything, an empty one too. Pure.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = have.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean holds = switch (r.getOperator()) {
          case "In" -> value != null && values.contains(value);
          case "NotIn" -> value == null || !values.contains(value);
          case "Exists" -> have.containsKey(r.getKey());
          case "DoesNotExist" -> !have.containsKey(r.getKey());
          default -> false;
        };
        if (!holds) {
          return false;
        }
      }
    }
    return true;
  }

  /** What is wrong with {@code selector} ("namespaceSelector.matchExpressions[0].operator: ..."), if anything. */
  public static List<String> validate(String path, LabelSelector selector) {
    List<String> out = new ArrayList<>();
    if (selector == null || selector.getMatchExpressions() == null) {
      return out;
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      LabelSelectorRequirement r = selector.getMatchExpressions().get(i);
      String at = path + ".matchExpressions[" + i + "]";
      String op = r.getOperator();
      boolean withValues = "In".equals(op) || "NotIn".equals(op);
      boolean without = "Exists".equals(op) || "DoesNotExist".equals(op);
      if (r.getKey() == null || r.getKey().isBlank()) {
        out.add(at + ".key: is required");
      }
      if (!withValues && !without) {
        out.add(at + ".operator: \"" + op + "\" is not one of In, NotIn, Exists, DoesNotExist");
      } else if (withValues && (r.getValues() == null || r.getValues().isEmpty())) {
        out.add(at + ".values: " + op + " needs at least one value");
      } else if (without && r.getValues() != null && !r.getValues().isEmpty()) {
        out.add(at + ".values: " + op + " takes no values");
      }
    }
    return out;
  }
}
