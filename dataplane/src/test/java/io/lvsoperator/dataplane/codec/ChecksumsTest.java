package io.lvsoperator.dataplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The Internet checksum, whole (RFC 1071) and incremental (RFC 1624). */
class ChecksumsTest {

  /** RFC 1071 section 3's worked example. */
  @Test
  void rfc1071Example() {
    byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
    assertThat(Checksums.sum(b, 0, b.length)).isEqualTo(0x2ddf0L);
    assertThat(Checksums.fold(0x2ddf0L)).isEqualTo(0xddf2);
    assertThat(Checksums.compute(b, 0, b.length)).isEqualTo(0x220d);
  }

  @Test
  void oddLengthPadsTheLastByteWithZero() {
    byte[] odd = {0x12, 0x34, 0x56};
    byte[] padded = {0x12, 0x34, 0x56, 0x00};
    assertThat(Checksums.sum(odd, 0, 3)).isEqualTo(0x1234 + 0x5600);
    assertThat(Checksums.compute(odd, 0, 3)).isEqualTo(Checksums.compute(padded, 0, 4));
  }

  @Test
  void sumHonoursOffsetAndLength() {
    byte[] b = {(byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03, 0x04, (byte) 0xee};
    assertThat(Checksums.sum(b, 2, 4)).isEqualTo(0x0102 + 0x0304);
    assertThat(Checksums.sum(b, 2, 0)).isZero();
    assertThat(Checksums.sum(b, 6, 1)).isEqualTo(0xee00);
  }

  @Test
  void dataWithItsChecksumSumsToAllOnes() {
    byte[] b = {0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x00, 0x00};
    int cs = Checksums.compute(b, 0, b.length);
    byte[] with = {0x45, 0x00, 0x00, 0x54, 0x12, 0x34, (byte) (cs >>> 8), (byte) cs};
    assertThat(Checksums.fold(Checksums.sum(with, 0, with.length))).isEqualTo(0xffff);
  }

  @Test
  void foldCarriesRepeatedly() {
    assertThat(Checksums.fold(0x1_fffeL)).isEqualTo(0xffff);
    assertThat(Checksums.fold(0xffff_ffffL)).isEqualTo(0xffff);
    assertThat(Checksums.fold(0)).isZero();
    assertThat(Checksums.finish(0)).isEqualTo(0xffff);
  }

  /** RFC 1624 section 4's example: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000 (not 0xffff). */
  @Test
  void rfc1624Example() {
    assertThat(Checksums.update16(0xdd2f, 0x5555, 0x3285)).isZero();
  }

  @Property(tries = 500)
  void update16EqualsFullRecompute(
      @ForAll @Size(min = 2, max = 80) byte[] data,
      @ForAll @IntRange(min = 0, max = 39) int wordIndex,
      @ForAll @IntRange(min = 0, max = 0xffff) int newWord) {
    int at = 2 * (wordIndex % (data.length / 2));
    int before = Checksums.compute(data, 0, data.length);
    int oldWord = Bytes.u16(data, at);
    Bytes.put16(data, at, newWord);
    assertIncrementalMatches(data, Checksums.update16(before, oldWord, newWord));
  }

  @Property(tries = 500)
  void update32EqualsFullRecompute(
      @ForAll @Size(min = 4, max = 80) byte[] data,
      @ForAll @IntRange(min = 0, max = 38) int wordIndex,
      @ForAll int newValue) {
    int at = 2 * (wordIndex % (data.length / 2 - 1));
    int before = Checksums.compute(data, 0, data.length);
    int oldValue = Bytes.i32(data, at);
    Bytes.put32(data, at, newValue);
    assertIncrementalMatches(data, Checksums.update32(before, oldValue, newValue));
  }

  /** Several updates in a row (as NAT does: address, then port) still equal a recompute. */
  @Property(tries = 300)
  void chainedUpdatesEqualFullRecompute(
      @ForAll @Size(min = 20, max = 60) byte[] data, @ForAll int ip, @ForAll @IntRange(max = 0xffff) int port) {
    int cs = Checksums.compute(data, 0, data.length);
    int oldIp = Bytes.i32(data, 12);
    Bytes.put32(data, 12, ip);
    cs = Checksums.update32(cs, oldIp, ip);
    int oldPort = Bytes.u16(data, 18);
    Bytes.put16(data, 18, port);
    cs = Checksums.update16(cs, oldPort, port);
    assertIncrementalMatches(data, cs);
  }

  @Property(tries = 200)
  void updateWithNoChangeKeepsTheChecksum(@ForAll @Size(min = 4, max = 40) byte[] data, @ForAll int value) {
    int cs = Checksums.compute(data, 0, data.length);
    assertThat(Checksums.update16(cs, value & 0xffff, value & 0xffff)).isEqualTo(cs == 0xffff ? 0 : cs)
        .satisfies(u -> assertEquivalent(u, cs));
    assertThat(Checksums.update32(cs, value, value)).satisfies(u -> assertEquivalent(u, cs));
  }

  /**
   * Equal to a full recompute; the one exception is data that became all zeros, where the full
   * checksum is 0xffff and the update gives 0x0000 — the same value (-0 and +0) in one's complement.
   */
  private static void assertIncrementalMatches(byte[] data, int incremental) {
    int full = Checksums.compute(data, 0, data.length);
    if (Checksums.sum(data, 0, data.length) == 0) {
      assertEquivalent(incremental, full);
    } else {
      assertThat(incremental).isEqualTo(full);
    }
    assertThat(incremental).isBetween(0, 0xffff);
  }

  private static void assertEquivalent(int a, int b) {
    assertThat(a % 0xffff).isEqualTo(b % 0xffff);
  }
}
