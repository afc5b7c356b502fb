package io.lvsoperator.api.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialAddressTest {
  @ParameterizedTest
  @CsvSource({
      "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK",
      "169.254.169.254, LINK_LOCAL", "224.0.0.18, MULTICAST", "239.255.255.250, MULTICAST",
      "240.0.0.1, RESERVED", "255.255.255.255, BROADCAST"})
  void recognisesEachKind(String address, SpecialAddress kind) {
    assertThat(SpecialAddress.of(Ipv4.parse(address))).isEqualTo(kind);
  }

  @Test
  void ordinaryAddressesAreNotSpecial() {
    for (String a : new String[] {"198.18.0.100", "10.0.0.1", "1.0.0.0", "126.255.255.255", "128.0.0.0",
        "169.253.255.255", "169.255.0.0", "223.255.255.255"}) {
      assertThat(SpecialAddress.of(Ipv4.parse(a))).as(a).isNull();
    }
  }
}
