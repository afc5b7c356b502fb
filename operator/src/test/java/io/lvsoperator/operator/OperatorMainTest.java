package io.lvsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;

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
