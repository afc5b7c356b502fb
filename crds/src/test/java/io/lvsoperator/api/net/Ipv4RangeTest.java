package io.lvsoperator.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4RangeTest {

  @Test
  void aPrefixIsEveryAddressOfIt() {
    Ipv4Range r = Ipv4Range.parse("198.18.100.0/28");
    assertThat(r.size()).isEqualTo(16);
    assertThat(Ipv4.format(r.address(0))).isEqualTo("198.18.100.0");
    assertThat(Ipv4.format(r.address(15))).isEqualTo("198.18.100.15");
    assertThat(r.contains(Ipv4.parse("198.18.100.15"))).isTrue();
    assertThat(r.contains(Ipv4.parse("198.18.100.16"))).isFalse();
    assertThat(r).hasToString("198.18.100.0-198.18.100.15");
  }

  @Test
  void aDashedRangeAndASingleAddress() {
    Ipv4Range r = Ipv4Range.parse(" 198.18.100.20 - 198.18.100.30 ");
    assertThat(r.size()).isEqualTo(11);
    assertThat(Ipv4Range.parse("198.18.1.1").size()).isEqualTo(1);
    assertThat(Ipv4Range.parse("198.18.1.1")).hasToString("198.18.1.1");
  }

  @Test
  void theHighHalfOfTheAddressSpaceCountsWithoutSignTrouble() {
    Ipv4Range r = Ipv4Range.parse("255.255.255.0-255.255.255.255");
    assertThat(r.size()).isEqualTo(256);
    assertThat(r.contains(Ipv4.parse("255.255.255.255"))).isTrue();
    assertThat(r.contains(Ipv4.parse("1.0.0.0"))).isFalse();
    assertThat(Ipv4Range.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
    assertThat(Ipv4Range.parse("128.0.0.0/1").overlaps(Ipv4Range.parse("127.255.255.255"))).isFalse();
  }

  @Test
  void overlapsIsInclusiveAtBothEnds() {
    Ipv4Range a = Ipv4Range.parse("198.18.0.10-198.18.0.20");
    assertThat(a.overlaps(Ipv4Range.parse("198.18.0.20-198.18.0.30"))).isTrue();
    assertThat(a.overlaps(Ipv4Range.parse("198.18.0.0-198.18.0.10"))).isTrue();
    assertThat(a.overlaps(Ipv4Range.parse("198.18.0.12"))).isTrue();
    assertThat(a.overlaps(Ipv4Range.parse("198.18.0.21-198.18.0.30"))).isFalse();
    assertThat(a.overlaps(Ipv4Range.parse("198.18.0.0/29"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.1/24", "198.18.0.9-198.18.0.1", "198.18.0.1-", "198.18.0.0/33", "", "a.b.c.d/24",
      "198.18.0.1-198.18.0.300"})
  void refusesWhatIsNotARange(String text) {
    assertThatThrownBy(() -> Ipv4Range.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPrefixWithHostBitsNamesTheNetworkMeant() {
    assertThatThrownBy(() -> Ipv4Range.parse("198.18.0.1/24")).hasMessageContaining("198.18.0.0/24");
  }

  @Test
  void specialAddressesHaveTheirRanges() {
    assertThat(SpecialAddress.LOOPBACK.range()).isEqualTo(Ipv4Range.parse("127.0.0.0/8"));
    assertThat(SpecialAddress.BROADCAST.range().size()).isEqualTo(1);
  }
}
