package io.lvsoperator.operator.pools;

import static io.lvsoperator.operator.pools.Pools.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualServiceStatus;
import io.lvsoperator.operator.admission.ClaimIndex;
import io.lvsoperator.operator.event.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VipResolverTest {
  private final AddressAllocator allocator = new AddressAllocator(new ClaimIndex(k -> {}));
  private final PoolBook book = PoolBook.of(List.of(
      pool("shared", "t1", "198.18.100.0/30"),
      pool("manual", "t2", false, null, null, "198.18.101.0/30"),
      pool("prod", "t3", true, new LabelSelectorBuilder().addToMatchLabels("tier", "prod").build(), null,
          "198.18.102.0/31"),
      pool("overlap", "t4", "198.18.100.2-198.18.100.9")), PoolBookTest.CLUSTER);

  static VirtualService vs(String namespace, String name, String vip) {
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip(vip);
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, null)));
    VirtualService v = new VirtualService();
    v.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    v.setSpec(spec);
    return v;
  }

  private VipResolver.Resolution resolve(VirtualService v, Map<String, String> nsLabels, PoolBook pools) {
    return VipResolver.resolve(v.getMetadata().getNamespace() + "/" + v.getMetadata().getName(), v, nsLabels, pools,
        allocator);
  }

  @Test
  void withNoPoolAtAllAnyNamedVipIsAllowedAndNoneIsAssigned() {
    assertThat(resolve(vs("ns", "a", "198.18.7.7"), Map.of(), PoolBook.EMPTY).vip()).isEqualTo("198.18.7.7");
    VipResolver.Resolution none = resolve(vs("ns", "b", null), Map.of(), PoolBook.EMPTY);
    assertThat(none.reason()).isEqualTo(Reason.VipNotAllowed);
    assertThat(none.message()).contains("no VipPool exists");
  }

  @Test
  void aNamedVipMustLieInAnAcceptedPoolThatAdmitsIt() {
    assertThat(resolve(vs("ns", "a", "198.18.101.1"), Map.of(), book))
        .isEqualTo(new VipResolver.Resolution("198.18.101.1", Reason.Accepted, "accepted", "manual"));
    VipResolver.Resolution outside = resolve(vs("ns", "b", "198.18.7.7"), Map.of(), book);
    assertThat(outside.reason()).isEqualTo(Reason.VipNotAllowed);
    assertThat(outside.message()).contains("198.18.7.7 lies in no VipPool");
    VipResolver.Resolution refusedPool = resolve(vs("ns", "c", "198.18.100.9"), Map.of(), book);
    assertThat(refusedPool.message()).contains("VipPool overlap, which is not accepted");
    VipResolver.Resolution wrongNamespace = resolve(vs("dev", "d", "198.18.102.1"), Map.of("tier", "dev"), book);
    assertThat(wrongNamespace.reason()).isEqualTo(Reason.VipNotAllowed);
    assertThat(wrongNamespace.message()).contains("namespaceSelector does not select namespace dev");
    assertThat(resolve(vs("shop", "e", "198.18.102.1"), Map.of("tier", "prod"), book).allowed()).isTrue();
  }

  @Test
  void anEmptyVipGetsAnAddressOnlyFromPoolsThatAssignAndAdmit() {
    // "manual" does not assign; "prod" does not admit namespace ns
    for (int i = 0; i < 4; i++) {
      VipResolver.Resolution r = resolve(vs("ns", "s" + i, null), Map.of(), book);
      assertThat(r.vip()).isEqualTo("198.18.100." + i);
      assertThat(r.pool()).isEqualTo("shared");
    }
    VipResolver.Resolution full = resolve(vs("ns", "s4", null), Map.of(), book);
    assertThat(full.reason()).isEqualTo(Reason.PoolExhausted);
    assertThat(full.message()).isEqualTo("every address of VipPool shared is in use");
    // a prod namespace may take from both: the next pool by name has room
    assertThat(resolve(vs("shop", "s5", null), Map.of("tier", "prod"), book).vip()).isEqualTo("198.18.102.0");
    // the label every namespace carries on a real API server works without the namespace being known
    var byName = PoolBook.of(List.of(pool("kube", "t", true, new LabelSelectorBuilder()
        .addToMatchLabels(VipResolver.NAMESPACE_NAME_LABEL, "team-a").build(), null, "198.18.103.0/31")),
        PoolBookTest.CLUSTER);
    assertThat(resolve(vs("team-a", "x", null), Map.of(), byName).vip()).isEqualTo("198.18.103.0");
    assertThat(resolve(vs("team-b", "x", null), Map.of(), byName).allowed()).isFalse();
  }

  @Test
  void anAssignedAddressIsNobodyElsesToNameAndIsKeptFromStatus() {
    VirtualService auto = vs("ns", "auto", null);
    VirtualServiceStatus shown = new VirtualServiceStatus();
    shown.setVip("198.18.100.3");
    auto.setStatus(shown);
    assertThat(resolve(auto, Map.of(), book).vip()).isEqualTo("198.18.100.3");
    VipResolver.Resolution named = resolve(vs("ns", "named", "198.18.100.3"), Map.of(), book);
    assertThat(named.reason()).isEqualTo(Reason.Conflict);
    assertThat(named.message()).contains("assigned to VirtualService ns/auto");
    // once it names an address of its own, the assigned one is free
    resolve(vs("ns", "auto", "198.18.100.0"), Map.of(), book);
    assertThat(resolve(vs("ns", "named", "198.18.100.3"), Map.of(), book).allowed()).isTrue();
  }
}
