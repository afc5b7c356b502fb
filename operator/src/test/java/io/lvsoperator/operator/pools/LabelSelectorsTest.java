package io.lvsoperator.operator.pools;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {
  private static final Map<String, String> PROD = Map.of("tier", "prod", "team", "web");

  @Test
  void anAbsentOrEmptySelectorSelectsEverything() {
    assertThat(LabelSelectors.matches(null, Map.of())).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), PROD)).isTrue();
  }

  @Test
  void matchLabelsMustAllHold() {
    assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("tier", "prod").build(), PROD))
        .isTrue();
    assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("tier", "prod")
        .addToMatchLabels("team", "db").build(), PROD)).isFalse();
    assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("tier", "prod").build(), null))
        .isFalse();
  }

  @Test
  void everyOperatorAsTheApiServerEvaluatesIt() {
    assertThat(LabelSelectors.matches(expr("tier", "In", "prod", "stage"), PROD)).isTrue();
    assertThat(LabelSelectors.matches(expr("tier", "In", "stage"), PROD)).isFalse();
    assertThat(LabelSelectors.matches(expr("tier", "NotIn", "stage"), PROD)).isTrue();
    assertThat(LabelSelectors.matches(expr("tier", "NotIn", "prod"), PROD)).isFalse();
    assertThat(LabelSelectors.matches(expr("absent", "NotIn", "prod"), PROD)).isTrue();
    assertThat(LabelSelectors.matches(expr("team", "Exists"), PROD)).isTrue();
    assertThat(LabelSelectors.matches(expr("absent", "Exists"), PROD)).isFalse();
    assertThat(LabelSelectors.matches(expr("team", "DoesNotExist"), PROD)).isFalse();
    assertThat(LabelSelectors.matches(expr("team", "Sometimes"), PROD)).isFalse();
  }

  @Test
  void invalidRequirementsAreNamed() {
    assertThat(LabelSelectors.validate("spec.namespaceSelector", expr("tier", "In")))
        .containsExactly("spec.namespaceSelector.matchExpressions[0].values: In needs at least one value");
    assertThat(LabelSelectors.validate("s", expr("tier", "Exists", "x")))
        .containsExactly("s.matchExpressions[0].values: Exists takes no values");
    assertThat(LabelSelectors.validate("s", expr("tier", "Sometimes"))).singleElement().asString()
        .contains("not one of In, NotIn, Exists, DoesNotExist");
    assertThat(LabelSelectors.validate("s", expr("tier", "In", "a"))).isEmpty();
  }

  static LabelSelector expr(String key, String operator, String... values) {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator).withValues(values)
        .endMatchExpression().build();
  }
}
