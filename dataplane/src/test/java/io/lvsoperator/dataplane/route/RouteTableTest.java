package io.lvsoperator.dataplane.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  static int ip(String s) {
    return Ipv4.parse(s);
  }

  static RouteTable.Route via(String prefix, String gateway) {
    return new RouteTable.Route(Ipv4Prefix.parse(prefix), ip(gateway), 0);
  }

  /** Two connected networks, a default route and more specific routes. */
  static final RouteTable TABLE = new RouteTable(
      List.of(Ipv4Prefix.parse("198.18.0.2/24"), Ipv4Prefix.parse("10.1.0.5/16")),
      List.of(
          via("0.0.0.0/0", "198.18.0.1"),
          via("198.19.0.0/16", "198.18.0.254"),
          via("198.19.7.0/24", "10.1.0.1"),
          via("198.18.0.128/25", "10.1.0.2")));

  @Test
  void connectedDestinationsAreTheirOwnNextHop() {
    assertThat(TABLE.nextHop(ip("198.18.0.11"))).isEqualTo(ip("198.18.0.11"));
    assertThat(TABLE.nextHop(ip("10.1.200.3"))).isEqualTo(ip("10.1.200.3"));
  }

  @Test
  void staticRoutesGoViaTheirGateway() {
    assertThat(TABLE.nextHop(ip("8.8.8.8"))).isEqualTo(ip("198.18.0.1"));
    assertThat(TABLE.nextHop(ip("198.19.1.10"))).isEqualTo(ip("198.18.0.254"));
  }

  @Test
  void longestPrefixWins() {
    assertThat(TABLE.nextHop(ip("198.19.7.9"))).as("/24 over /16 and /0").isEqualTo(ip("10.1.0.1"));
    assertThat(TABLE.nextHop(ip("198.19.8.9"))).as("/16 over /0").isEqualTo(ip("198.18.0.254"));
    assertThat(TABLE.nextHop(ip("198.18.0.200"))).as("static /25 over connected /24").isEqualTo(ip("10.1.0.2"));
    assertThat(TABLE.nextHop(ip("198.18.0.127"))).as("connected /24").isEqualTo(ip("198.18.0.127"));
  }

  @Test
  void orderOfDefinitionDoesNotMatter() {
    RouteTable reversed = new RouteTable(
        List.of(Ipv4Prefix.parse("10.1.0.5/16"), Ipv4Prefix.parse("198.18.0.2/24")),
        List.of(
            via("198.18.0.128/25", "10.1.0.2"),
            via("198.19.7.0/24", "10.1.0.1"),
            via("198.19.0.0/16", "198.18.0.254"),
            via("0.0.0.0/0", "198.18.0.1")));
    for (String d : List.of("198.19.7.9", "198.19.8.9", "198.18.0.200", "198.18.0.127", "8.8.8.8", "10.1.2.3")) {
      assertThat(reversed.nextHop(ip(d))).as(d).isEqualTo(TABLE.nextHop(ip(d)));
      assertThat(reversed.sourceFor(ip(d))).as(d).isEqualTo(TABLE.sourceFor(ip(d)));
    }
  }

  @Test
  void noRouteWithoutADefault() {
    RouteTable t = new RouteTable(List.of(Ipv4Prefix.parse("198.18.0.2/24")), List.of(via("198.19.0.0/16", "198.18.0.1")));
    assertThat(t.nextHop(ip("8.8.8.8"))).isEqualTo(RouteTable.NO_ROUTE);
    assertThat(t.nextHop(ip("198.17.255.255"))).isEqualTo(RouteTable.NO_ROUTE);
    assertThat(t.nextHop(ip("198.19.0.1"))).isEqualTo(ip("198.18.0.1"));
    assertThat(new RouteTable(List.of(), List.of()).nextHop(ip("1.2.3.4"))).isEqualTo(RouteTable.NO_ROUTE);
  }

  @Test
  void sourceIsTheDipOfTheMatchingConnectedPrefix() {
    assertThat(TABLE.sourceFor(ip("198.18.0.11"))).isEqualTo(ip("198.18.0.2"));
    assertThat(TABLE.sourceFor(ip("10.1.9.9"))).isEqualTo(ip("10.1.0.5"));
    // static routes speak from the DIP whose prefix holds their gateway
    assertThat(TABLE.sourceFor(ip("8.8.8.8"))).isEqualTo(ip("198.18.0.2"));
    assertThat(TABLE.sourceFor(ip("198.19.7.9"))).isEqualTo(ip("10.1.0.5"));
    assertThat(TABLE.sourceFor(ip("198.18.0.200"))).isEqualTo(ip("10.1.0.5"));
    // for a next hop itself (ARP requests) the connected prefix decides
    assertThat(TABLE.sourceFor(ip("10.1.0.1"))).isEqualTo(ip("10.1.0.5"));
    assertThat(TABLE.sourceFor(ip("198.18.0.1"))).isEqualTo(ip("198.18.0.2"));
  }

  @Test
  void sourceWithoutAnyRoute() {
    assertThat(new RouteTable(List.of(), List.of()).sourceFor(ip("1.2.3.4"))).isZero();
    RouteTable t = new RouteTable(List.of(Ipv4Prefix.parse("198.18.0.2/24")), List.of());
    assertThat(t.sourceFor(ip("8.8.8.8"))).as("falls back to a DIP").isEqualTo(ip("198.18.0.2"));
  }

  @Test
  void isConnectedOnlyForConnectedPrefixes() {
    assertThat(TABLE.isConnected(ip("198.18.0.1"))).isTrue();
    assertThat(TABLE.isConnected(ip("10.1.255.255"))).isTrue();
    assertThat(TABLE.isConnected(ip("8.8.8.8"))).as("default route is not connected").isFalse();
    assertThat(TABLE.isConnected(ip("198.19.7.9"))).isFalse();
    // inside a static /25 that overlaps the connected /24: still on the link
    assertThat(TABLE.isConnected(ip("198.18.0.200"))).isTrue();
  }

  @Test
  void hostBitsOfTheDipDoNotBreakMatching() {
    RouteTable t = new RouteTable(List.of(Ipv4Prefix.parse("198.18.0.77/24")), List.of());
    assertThat(t.nextHop(ip("198.18.0.1"))).isEqualTo(ip("198.18.0.1"));
    assertThat(t.isConnected(ip("198.18.0.255"))).isTrue();
    assertThat(t.sourceFor(ip("198.18.0.1"))).isEqualTo(ip("198.18.0.77"));
  }

  @Test
  void routesAreListedLongestFirst() {
    assertThat(TABLE.routes()).extracting(r -> r.prefix().length()).isSortedAccordingTo((a, b) -> b - a);
    assertThat(TABLE.routes()).hasSize(6);
    assertThat(TABLE.routes().get(0).toString()).isEqualTo("198.18.0.128/25 via 10.1.0.2 src 10.1.0.5");
    assertThat(TABLE.routes()).extracting(RouteTable.Route::toString)
        .contains("198.18.0.0/24 dev (connected) src 198.18.0.2", "0.0.0.0/0 via 198.18.0.1 src 198.18.0.2");
  }
}
