package io.lvsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line means what the README says. */
class OperatorMainTest {
  static OperatorOptions parse(String... args) {
    OperatorMain main = new OperatorMain();
    new CommandLine(main).parseArgs(args);
    return main.options();
  }

  @Test
  void defaultsSuitARealCluster() {
    OperatorOptions o = parse();
    assertThat(o.leaderElection()).isTrue();
    assertThat(o.useServerSideApply()).isTrue();
    assertThat(o.interfaceName()).isEqualTo("eth0");
    assertThat(o.dataplaneSelector()).isEqualTo(OperatorOptions.DEFAULT_DATAPLANE_SELECTOR);
    assertThat(o.httpPort()).isEqualTo(8080);
    assertThat(o.servicesPerDirectorObject()).isEqualTo(OperatorOptions.DEFAULT_SERVICES_PER_DIRECTOR_OBJECT);
    assertThat(o.advertisementIntervalMillis()).isEqualTo(100);
    assertThat(o.holdSeconds()).isEqualTo(10);
  }

  @Test
  void failoverTimingOutsideWhatDirectorsAcceptIsRefusedAtStart() {
    assertThat(parse("--advertisement-interval-ms", "50", "--hold-seconds", "0").advertisementIntervalMillis())
        .isEqualTo(50);
    assertThatThrownBy(() -> parse("--advertisement-interval-ms", "5")).hasMessageContaining("10-40950");
    assertThatThrownBy(() -> parse("--hold-seconds", "-1")).hasMessageContaining("0-3600");
  }

  @Test
  void flagsTurnThingsOff() {
    OperatorOptions o = parse("--leader-election=false", "--server-side-apply", "false", "--interface", "bond0",
        "--http", "127.0.0.1:9000", "--services-per-director-object", "10");
    assertThat(o.leaderElection()).isFalse();
    assertThat(o.useServerSideApply()).isFalse();
    assertThat(o.interfaceName()).isEqualTo("bond0");
    assertThat(o.httpHost()).isEqualTo("127.0.0.1");
    assertThat(o.httpPort()).isEqualTo(9000);
    assertThat(o.servicesPerDirectorObject()).isEqualTo(10);
  }
}
