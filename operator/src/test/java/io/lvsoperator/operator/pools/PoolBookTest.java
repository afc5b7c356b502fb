package io.lvsoperator.operator.pools;

import static io.lvsoperator.operator.pools.Pools.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.validation.ReservedAddresses;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolBookTest {
  static final ReservedAddresses CLUSTER = ReservedAddresses.of(List.of(node("node-a", "198.18.0.2", "198.18.64.0/24")),
      List.of(Ipv4Prefix.parse("10.96.0.0/12")));

  static Node node(String name, String address, String podCidr) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withPodCIDRs(podCidr)
        .endSpec().withNewStatus().addNewAddress().withType("InternalIP").withAddress(address).endAddress().endStatus()
        .build();
  }

  @Test
  void prefixesAndRangesMakeOnePoolAndNoPoolAtAllIsOpen() {
    PoolBook book = PoolBook.of(List.of(pool("web", "2026-01-01T00:00:00Z", "198.18.100.0/28",
        "198.18.100.20-198.18.100.30")), CLUSTER);
    PoolBook.Pool web = book.get("web");
    assertThat(web.accepted()).isTrue();
    assertThat(web.size()).isEqualTo(27);
    assertThat(book.poolOf(Ipv4.parse("198.18.100.25"))).isSameAs(web);
    assertThat(book.poolOf(Ipv4.parse("198.18.100.17"))).isNull();
    assertThat(book.open()).isFalse();
    assertThat(PoolBook.of(List.of(), CLUSTER).open()).isTrue();
  }

  @Test
  void ofTwoOverlappingPoolsTheOlderKeepsItsAddressesWhateverTheirNames() {
    PoolBook book = PoolBook.of(List.of(pool("a-newer", "2026-02-01T00:00:00Z", "198.18.100.8-198.18.100.40"),
        pool("z-older", "2026-01-01T00:00:00Z", "198.18.100.0/27")), CLUSTER);
    assertThat(book.get("z-older").accepted()).isTrue();
    PoolBook.Pool newer = book.get("a-newer");
    assertThat(newer.reason()).isEqualTo(Reason.Overlapping);
    assertThat(newer.message()).contains("VipPool z-older", "older");
    // an address both hold belongs to the accepted one
    assertThat(book.poolOf(Ipv4.parse("198.18.100.9")).name()).isEqualTo("z-older");
    // and one only the refused pool holds is reported with it (its message says why)
    assertThat(book.poolOf(Ipv4.parse("198.18.100.40")).name()).isEqualTo("a-newer");
  }

  @Test
  void aPoolHoldingTheClustersOwnOrSpecialAddressesIsRefused() {
    assertThat(refusal("198.18.0.0/29")).contains("198.18.0.2, the address of node node-a");
    assertThat(refusal("198.18.64.100-198.18.65.0")).contains("the pod range 198.18.64.0/24 of node node-a");
    assertThat(refusal("10.100.0.0/16")).contains("the reserved range 10.96.0.0/12");
    assertThat(refusal("127.0.0.1")).contains("loopback");
    assertThat(refusal("169.254.169.254")).contains("link-local");
    assertThat(refusal("224.0.0.0/24")).contains("multicast");
    assertThat(PoolBook.of(List.of(pool("p", "t", "198.18.0.3-198.18.0.10")), CLUSTER).get("p").accepted()).isTrue();
  }

  @Test
  void invalidPoolsSayWhichEntry() {
    PoolBook.Pool p = PoolBook.of(List.of(pool("p", "t", "198.18.1.0/24", "198.18.1.300", "198.18.1.10-198.18.1.20")),
        CLUSTER).get("p");
    assertThat(p.reason()).isEqualTo(Reason.InvalidSpec);
    assertThat(p.message()).contains("spec.addresses[1]", "spec.addresses[2]: 198.18.1.10-198.18.1.20 overlaps");
    assertThat(PoolBook.of(List.of(pool("e", "t")), CLUSTER).get("e").message())
        .contains("spec.addresses: at least one");
    assertThat(PoolBook.of(List.of(Pools.pool("s", "t", true, LabelSelectorsTest.expr("k", "In"), null,
        "198.18.1.0/24")), CLUSTER).get("s").message()).contains("spec.namespaceSelector.matchExpressions[0].values");
  }

  @Test
  void selectorsAdmitNamespacesAndVirtualServices() {
    PoolBook.Pool p = PoolBook.of(List.of(Pools.pool("s", "t", true,
        LabelSelectorsTest.expr("tier", "In", "prod"), LabelSelectorsTest.expr("app", "Exists"), "198.18.1.0/24")),
        CLUSTER).get("s");
    assertThat(p.refuses("shop", java.util.Map.of("tier", "prod"), java.util.Map.of("app", "web"))).isNull();
    assertThat(p.refuses("dev", java.util.Map.of("tier", "dev"), java.util.Map.of("app", "web")))
        .contains("namespaceSelector does not select namespace dev");
    assertThat(p.refuses("shop", java.util.Map.of("tier", "prod"), java.util.Map.of()))
        .contains("serviceSelector");
  }

  private static String refusal(String range) {
    PoolBook.Pool p = PoolBook.of(List.of(pool("p", "t", range)), CLUSTER).get("p");
    assertThat(p.reason()).isEqualTo(Reason.ReservedRange);
    return p.message();
  }
}
