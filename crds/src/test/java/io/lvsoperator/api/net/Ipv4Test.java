package io.lvsoperator.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

  @Test
  void parsesDottedQuadIntoNetworkOrderBits() {
    assertThat(Ipv4.parse("198.18.0.100")).isEqualTo(0xC6120064);
    assertThat(Ipv4.parse("0.0.0.0")).isZero();
    assertThat(Ipv4.parse("255.255.255.255")).isEqualTo(-1);
    assertThat(Ipv4.parse("10.0.0.1")).isEqualTo(0x0A000001);
    assertThat(Ipv4.parse("1.2.3.4")).isEqualTo(0x01020304);
  }

  @Test
  void formatIsTheInverseOfParse() {
    assertThat(Ipv4.format(0xC6120064)).isEqualTo("198.18.0.100");
    assertThat(Ipv4.format(-1)).isEqualTo("255.255.255.255");
    assertThat(Ipv4.format(0)).isEqualTo("0.0.0.0");
    for (int ip : new int[] {1, 0x80000000, 0x7fffffff, 0xC0A80101, 0x01020304, 0xfedcba98}) {
      assertThat(Ipv4.parse(Ipv4.format(ip))).isEqualTo(ip);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.999",
        "1..2.3",
        "1.2.3.",
        ".1.2.3",
        "a.b.c.d",
        "1.2.3.4 ",
        " 1.2.3.4",
        "-1.2.3.4",
        "+1.2.3.4",
        "1.2.3.0004",
        "1.2.3.4/24",
        "::1",
        "localhost"
      })
  void rejectsWhatIsNotADottedQuad(String text) {
    assertThat(Ipv4.isValid(text)).isFalse();
    assertThatThrownBy(() -> Ipv4.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }

  @Test
  void rejectsNonAsciiDigits() {
    // Character.isDigit and Integer.parseInt accept Arabic-Indic and full-width digits
    assertThat(Ipv4.isValid("\u0661.2.3.4")).isFalse();
    assertThat(Ipv4.isValid("1.2.3.\uff14")).isFalse();
    assertThatThrownBy(() -> Ipv4Prefix.parse("1.2.3.4/\u0662\u0664")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @NullSource
  void rejectsNull(String text) {
    assertThat(Ipv4.isValid(text)).isFalse();
    assertThatThrownBy(() -> Ipv4.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsValidAddresses() {
    assertThat(Ipv4.isValid("198.18.0.1")).isTrue();
    assertThat(Ipv4.isValid("0.0.0.0")).isTrue();
  }
}
