package io.lvsoperator.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How `--workers auto` and `--workers N` resolve (docs/architecture.md, "Workers"). */
class WorkerCountTest {
  private final WorkerCount.Converter converter = new WorkerCount.Converter();

  @Test
  void autoTakesHalfTheCpusAtLeastOneAtMostEight() {
    WorkerCount auto = converter.convert("auto");
    assertThat(auto.auto()).isTrue();
    assertThat(auto.resolve(true, 1)).isEqualTo(1);
    assertThat(auto.resolve(true, 2)).as("this 2-core machine: one measured faster than two").isEqualTo(1);
    assertThat(auto.resolve(true, 3)).isEqualTo(1);
    assertThat(auto.resolve(true, 4)).isEqualTo(2);
    assertThat(auto.resolve(true, 12)).isEqualTo(6);
    assertThat(auto.resolve(true, 16)).isEqualTo(8);
    assertThat(auto.resolve(true, 96)).as("a pod without a CPU limit on a big node").isEqualTo(8);
    assertThat(auto.reason(true, 16)).contains("half of the 16 CPUs", "at most 8");
  }

  @Test
  void autoWithoutAFanoutIsOne() {
    WorkerCount auto = converter.convert("AUTO");
    assertThat(auto.resolve(false, 16)).isEqualTo(1);
    assertThat(auto.reason(false, 16)).contains("pcap has no fanout");
  }

  @Test
  void aGivenNumberIsKeptWhateverTheCpus() {
    WorkerCount four = converter.convert(" 4 ");
    assertThat(four.auto()).isFalse();
    assertThat(four.resolve(true, 2)).isEqualTo(4);
    assertThat(four.resolve(true, 64)).isEqualTo(4);
    assertThat(four.reason(true, 2)).isEqualTo("--workers 4");
    assertThat(converter.convert("0").auto()).as("0 is a number the command refuses, not auto").isFalse();
  }

  @Test
  void anythingElseIsRefused() {
    assertThatThrownBy(() -> converter.convert("two")).isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("--workers takes auto or a number, not 'two'");
  }
}
