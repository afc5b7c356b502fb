package io.lvsoperator.operator.pools;

import static io.lvsoperator.operator.pools.Pools.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.operator.admission.ClaimIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressAllocatorTest {
  private final ClaimIndex claims = new ClaimIndex(k -> {});
  private final AddressAllocator allocator = new AddressAllocator(claims);
  private final PoolBook book = PoolBook.of(List.of(pool("a", "t1", "198.18.100.0-198.18.100.2"),
      pool("b", "t2", "198.18.101.0/31")), PoolBookTest.CLUSTER);
  private final List<PoolBook.Pool> both = book.pools();

  private String assign(String key) {
    Integer a = allocator.assign(key, both, null);
    return a == null ? null : Ipv4.format(a);
  }

  @Test
  void lowestFreeAddressOfTheFirstPoolThenTheNextPool() {
    assertThat(assign("ns/one")).isEqualTo("198.18.100.0");
    assertThat(assign("ns/two")).isEqualTo("198.18.100.1");
    assertThat(assign("ns/three")).isEqualTo("198.18.100.2");
    assertThat(assign("ns/four")).isEqualTo("198.18.101.0");
    // asking again changes nothing
    assertThat(assign("ns/two")).isEqualTo("198.18.100.1");
    assertThat(allocator.holderOf(Ipv4.parse("198.18.100.1"))).isEqualTo("ns/two");
  }

  @Test
  void anAddressAnotherVirtualServiceNamesIsNeverAssigned() {
    claims.claim("ns/named", List.of("198.18.100.0:80/TCP"));
    assertThat(assign("ns/auto")).isEqualTo("198.18.100.1");
    // a VirtualService's own claims do not keep its address from it
    claims.claim("ns/auto", List.of("198.18.100.1:80/TCP"));
    assertThat(assign("ns/auto")).isEqualTo("198.18.100.1");
    assertThat(allocator.inUse()).extracting(Ipv4::format).containsExactlyInAnyOrder("198.18.100.0", "198.18.100.1");
  }

  @Test
  void whenEveryAddressIsTakenNoneIsGivenAndAReleaseFreesOne() {
    for (int i = 0; i < 5; i++) {
      assertThat(assign("ns/s" + i)).isNotNull();
    }
    assertThat(assign("ns/late")).isNull();
    allocator.release("ns/s3");
    assertThat(assign("ns/late")).isEqualTo("198.18.101.0");
  }

  @Test
  void thePreferredAddressFromStatusIsKeptWhenFree() {
    assertThat(allocator.assign("ns/x", both, Ipv4.parse("198.18.101.1"))).isEqualTo(Ipv4.parse("198.18.101.1"));
    // taken: the lowest free one instead
    assertThat(allocator.assign("ns/y", both, Ipv4.parse("198.18.101.1"))).isEqualTo(Ipv4.parse("198.18.100.0"));
    // outside the candidates: not taken
    assertThat(allocator.assign("ns/z", List.of(book.get("a")), Ipv4.parse("198.18.101.0")))
        .isEqualTo(Ipv4.parse("198.18.100.1"));
  }

  @Test
  void anAddressNoLongerInACandidatePoolIsGivenUpForOneThatIs() {
    assertThat(allocator.assign("ns/x", List.of(book.get("a")), null)).isEqualTo(Ipv4.parse("198.18.100.0"));
    assertThat(allocator.assign("ns/x", List.of(book.get("b")), null)).isEqualTo(Ipv4.parse("198.18.101.0"));
    assertThat(allocator.holderOf(Ipv4.parse("198.18.100.0"))).isNull();
  }

  @Test
  void seedingKeepsTheFirstHolderOfAnAddress() {
    allocator.seed("ns/old", Ipv4.parse("198.18.100.2"));
    allocator.seed("ns/young", Ipv4.parse("198.18.100.2"));
    assertThat(allocator.holderOf(Ipv4.parse("198.18.100.2"))).isEqualTo("ns/old");
    assertThat(allocator.assigned("ns/young")).isNull();
    assertThat(assign("ns/old")).isEqualTo("198.18.100.2");
  }
}
