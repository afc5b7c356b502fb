package io.lvsoperator.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What `lvs-dataplane run` refuses before it touches the machine, and why it says so. */
class RunCommandTest {
  /** Runs the command; its exit code and what it printed on standard error. */
  static String[] run(String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new RunCommand()).execute(args);
      return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void workersOutsideOneToSixtyFourAreRefused() {
    for (String n : new String[] {"0", "65", "-1"}) {
      String[] out = run("--config", "/nonexistent.yaml", "--workers", n);
      assertThat(out[0]).as("--workers %s", n).isEqualTo("2");
      assertThat(out[1]).contains("--workers must be auto or 1 to 64, not " + n);
    }
  }

  @Test
  void severalWorkersNeedThePacketSocket() {
    String[] out = run("--config", "/nonexistent.yaml", "--workers", "2", "--io", "pcap");
    assertThat(out[0]).isEqualTo("2");
    assertThat(out[1]).contains("--workers 2 needs --io afpacket");
  }

  @Test
  void workersThatAreNeitherAutoNorANumberAreRefused() {
    String[] out = run("--config", "/nonexistent.yaml", "--workers", "two");
    assertThat(out[0]).isEqualTo("2");
    assertThat(out[1]).contains("--workers takes auto or a number, not 'two'");
  }

  @Test
  void autoWorkersWithPcapAreNoError() {
    // auto resolves to one worker with pcap; the command goes on to read the (missing) configuration
    String[] out = run("--config", "/nonexistent.yaml", "--workers", "auto", "--io", "pcap");
    assertThat(out[1]).doesNotContain("needs --io afpacket").contains("/nonexistent.yaml");
  }

  @Test
  void aBusyPollOutsideZeroToTenMillisecondsIsRefused() {
    for (String us : new String[] {"-1", "10001"}) {
      String[] out = run("--config", "/nonexistent.yaml", "--busy-poll", us);
      assertThat(out[0]).as("--busy-poll %s", us).isEqualTo("2");
      assertThat(out[1]).contains("--busy-poll must be 0 to 10000 microseconds, not " + us);
    }
  }
}
