package io.lvsoperator.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {
  @Test
  void returnsStandardOutputAndFeedsStandardInput() throws IOException {
    assertThat(Commands.run(List.of("cat"), "hello\n")).isEqualTo("hello\n");
  }

  @Test
  void failsWithTheToolsOwnMessage() {
    assertThatThrownBy(() -> Commands.run(List.of("sh", "-c", "echo broken >&2; exit 3"), null))
        .isInstanceOf(IOException.class).hasMessageContaining("broken");
  }

  /** A hanging tool is stopped at the bound. */
  @Test
  void aToolThatHangsIsStoppedAtTheTimeout() {
    // the bound here is a guard against the old behaviour (waiting 30 s in a read), not a measurement
    assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
        assertThatThrownBy(() -> Commands.run(List.of("sleep", "30"), null, Duration.ofMillis(500)))
            .isInstanceOf(IOException.class).hasMessageContaining("timed out"));
  }
}
