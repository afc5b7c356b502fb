package io.lvsoperator.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4PrefixTest {

  @Test
  void parsesAddressAndLengthKeepingHostBits() {
    Ipv4Prefix p = Ipv4Prefix.parse("198.18.0.2/24");
    assertThat(p.address()).isEqualTo(Ipv4.parse("198.18.0.2"));
    assertThat(p.length()).isEqualTo(24);
    assertThat(p.network()).isEqualTo(Ipv4.parse("198.18.0.0"));
    assertThat(p.mask()).isEqualTo(0xffffff00);
    assertThat(p).hasToString("198.18.0.2/24");
  }

  @Test
  void bareAddressIsASlash32() {
    Ipv4Prefix p = Ipv4Prefix.parse("10.1.2.3");
    assertThat(p.length()).isEqualTo(32);
    assertThat(p.mask()).isEqualTo(-1);
    assertThat(p.contains(Ipv4.parse("10.1.2.3"))).isTrue();
    assertThat(p.contains(Ipv4.parse("10.1.2.4"))).isFalse();
  }

  @Test
  void containsFollowsTheMask() {
    Ipv4Prefix p = Ipv4Prefix.parse("198.18.0.0/15");
    assertThat(p.contains(Ipv4.parse("198.18.0.1"))).isTrue();
    assertThat(p.contains(Ipv4.parse("198.19.255.255"))).isTrue();
    assertThat(p.contains(Ipv4.parse("198.20.0.0"))).isFalse();
    assertThat(p.contains(Ipv4.parse("198.17.255.255"))).isFalse();
  }

  @Test
  void defaultRouteContainsEverything() {
    Ipv4Prefix p = Ipv4Prefix.parse("0.0.0.0/0");
    assertThat(p.mask()).isZero();
    assertThat(p.network()).isZero();
    assertThat(p.contains(0)).isTrue();
    assertThat(p.contains(-1)).isTrue();
    assertThat(p.contains(Ipv4.parse("198.18.0.1"))).isTrue();
  }

  @Test
  void masksForEveryLength() {
    for (int len = 1; len <= 32; len++) {
      Ipv4Prefix p = new Ipv4Prefix(-1, len);
      assertThat(Integer.bitCount(p.mask())).as("/%d", len).isEqualTo(len);
      assertThat(Integer.numberOfTrailingZeros(p.mask())).as("/%d", len).isEqualTo(32 - len);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4/", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/ab", "1.2.3.4/024", "/24", "1.2.3/24",
      "1.2.3.4/24/1", "300.1.1.1/8"})
  void rejectsMalformedPrefixes(String text) {
    assertThatThrownBy(() -> Ipv4Prefix.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNullAndOutOfRangeLength() {
    assertThatThrownBy(() -> Ipv4Prefix.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ipv4Prefix(0, 33))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("33");
    assertThatThrownBy(() -> new Ipv4Prefix(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
