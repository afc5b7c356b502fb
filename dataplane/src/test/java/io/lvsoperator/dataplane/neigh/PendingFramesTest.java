package io.lvsoperator.dataplane.neigh;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingFramesTest {
  static final int HOP1 = Ipv4.parse("198.18.0.11");
  static final int HOP2 = Ipv4.parse("198.18.0.1");
  static final long MAC1 = MacAddress.parse("02:00:00:00:00:11");
  static final long OURS = MacAddress.parse("02:00:00:00:00:01");

  /** A 60-byte frame with our source MAC, no destination yet, and {@code tag} as its payload. */
  static byte[] frame(int tag) {
    byte[] f = new byte[60];
    Ethernet.write(f, MacAddress.NONE, OURS, Ethernet.TYPE_IPV4);
    Arrays.fill(f, 14, 60, (byte) tag);
    return f;
  }

  /** Collects copies of what is sent (the slot buffer is reused). */
  static final class Sent implements PendingFrames.Sender {
    final List<byte[]> frames = new ArrayList<>();

    @Override
    public void send(byte[] frame, int length) {
      frames.add(Arrays.copyOf(frame, length));
    }

    List<Integer> tags() {
      return frames.stream().map(f -> (int) f[20]).toList();
    }
  }

  @Test
  void releaseSendsInArrivalOrderWithTheDestinationMacWritten() {
    PendingFrames p = new PendingFrames(8, 128, 8);
    assertThat(p.add(HOP1, frame(1), 60, true, 10)).isTrue();
    assertThat(p.add(HOP2, frame(2), 60, true, 11)).isTrue();
    assertThat(p.add(HOP1, frame(3), 60, true, 12)).isTrue();
    assertThat(p.add(HOP1, frame(4), 60, true, 13)).isTrue();
    assertThat(p.size()).isEqualTo(4);

    Sent sent = new Sent();
    assertThat(p.release(HOP1, MAC1, sent)).isEqualTo(3);
    assertThat(sent.tags()).containsExactly(1, 3, 4);
    for (byte[] f : sent.frames) {
      assertThat(f).hasSize(60);
      assertThat(Ethernet.destination(f)).isEqualTo(MAC1);
      assertThat(Ethernet.source(f)).isEqualTo(OURS);
      assertThat(Ethernet.etherType(f)).isEqualTo(Ethernet.TYPE_IPV4);
    }
    assertThat(p.size()).isEqualTo(1);
    assertThat(p.release(HOP1, MAC1, new Sent())).isZero();
  }

  @Test
  void arrivalOrderHoldsWhenSlotsAreReused() {
    PendingFrames p = new PendingFrames(3, 128, 3);
    p.add(HOP2, frame(1), 60, true, 1); // slot 0
    p.add(HOP2, frame(2), 60, true, 2); // slot 1
    p.add(HOP1, frame(3), 60, true, 3); // slot 2
    p.release(HOP2, MAC1, new Sent()); // frees slots 0 and 1
    p.add(HOP1, frame(4), 60, true, 4); // slot 0, younger than the frame in slot 2
    p.add(HOP1, frame(5), 60, true, 5);
    Sent sent = new Sent();
    assertThat(p.release(HOP1, MAC1, sent)).isEqualTo(3);
    assertThat(sent.tags()).containsExactly(3, 4, 5);
  }

  /**
   * The engine stamps frames with its clock; a fake clock in tests (or a coarse one) gives frames
   * the same time, and then a reused lower slot is released before an older frame in a higher one.
   */
  @Test
  void arrivalOrderHoldsForFramesQueuedAtTheSameTime() {
    PendingFrames p = new PendingFrames(3, 128, 3);
    p.add(HOP2, frame(1), 60, true, 7); // slot 0
    p.add(HOP2, frame(2), 60, true, 7); // slot 1
    p.add(HOP1, frame(3), 60, true, 7); // slot 2
    p.release(HOP2, MAC1, new Sent());
    p.add(HOP1, frame(4), 60, true, 7); // slot 0
    Sent sent = new Sent();
    p.release(HOP1, MAC1, sent);
    assertThat(sent.tags()).containsExactly(3, 4);
  }

  @Test
  void theFrameIsCopiedWhenAdded() {
    PendingFrames p = new PendingFrames(2, 128, 2);
    byte[] f = frame(7);
    p.add(HOP1, f, 60, true, 1);
    Arrays.fill(f, (byte) 0x55); // the engine reuses its buffer for the next frame
    Sent sent = new Sent();
    p.release(HOP1, MAC1, sent);
    assertThat(sent.tags()).containsExactly(7);
  }

  @Test
  void onlyTheGivenLengthIsKeptAndSent() {
    PendingFrames p = new PendingFrames(2, 128, 2);
    byte[] big = Arrays.copyOf(frame(9), 100);
    p.add(HOP1, big, 42, true, 1);
    Sent sent = new Sent();
    p.release(HOP1, MAC1, sent);
    assertThat(sent.frames).singleElement().satisfies(f -> assertThat(f).hasSize(42));
  }

  @Test
  void slotsAreBounded() {
    PendingFrames p = new PendingFrames(3, 128, 10);
    assertThat(p.add(HOP1, frame(1), 60, true, 1)).isTrue();
    assertThat(p.add(HOP2, frame(2), 60, true, 1)).isTrue();
    assertThat(p.add(HOP1, frame(3), 60, true, 1)).isTrue();
    assertThat(p.add(HOP2, frame(4), 60, true, 1)).as("no slot left").isFalse();
    assertThat(p.size()).isEqualTo(3);
    p.release(HOP2, MAC1, new Sent());
    assertThat(p.add(HOP2, frame(4), 60, true, 2)).as("a released slot is free again").isTrue();
  }

  @Test
  void eachNeighbourHasALimit() {
    PendingFrames p = new PendingFrames(8, 128, 2);
    assertThat(p.add(HOP1, frame(1), 60, true, 1)).isTrue();
    assertThat(p.add(HOP1, frame(2), 60, true, 2)).isTrue();
    assertThat(p.add(HOP1, frame(3), 60, true, 3)).isFalse();
    assertThat(p.add(HOP2, frame(4), 60, true, 4)).as("another neighbour still has room").isTrue();
    assertThat(p.size()).isEqualTo(3);
    Sent sent = new Sent();
    p.release(HOP1, MAC1, sent);
    assertThat(sent.tags()).containsExactly(1, 2);
  }

  @Test
  void framesLargerThanASlotAreRefused() {
    PendingFrames p = new PendingFrames(2, 64, 2);
    assertThat(p.add(HOP1, new byte[65], 65, true, 1)).isFalse();
    assertThat(p.add(HOP1, new byte[64], 64, true, 1)).isTrue();
    assertThat(p.size()).isEqualTo(1);
  }

  @Test
  void expireDropsFramesOlderThanTheMaximumAge() {
    PendingFrames p = new PendingFrames(4, 128, 4);
    p.add(HOP1, frame(1), 60, true, 100);
    p.add(HOP1, frame(2), 60, true, 200);
    p.add(HOP2, frame(3), 60, true, 150);
    assertThat(p.expire(1100, 1000)).isZero();
    assertThat(p.expire(1101, 1000)).isEqualTo(1);
    assertThat(p.size()).isEqualTo(2);
    assertThat(p.expire(1160, 1000)).isEqualTo(1);
    Sent sent = new Sent();
    assertThat(p.release(HOP1, MAC1, sent)).isEqualTo(1);
    assertThat(sent.tags()).containsExactly(2);
    assertThat(p.release(HOP2, MAC1, new Sent())).isZero();
    assertThat(p.size()).isZero();
  }

  @Test
  void releaseWithNothingWaitingSendsNothing() {
    PendingFrames p = new PendingFrames(4, 128, 4);
    Sent sent = new Sent();
    assertThat(p.release(HOP1, MAC1, sent)).isZero();
    p.add(HOP2, frame(1), 60, true, 1);
    assertThat(p.release(HOP1, MAC1, sent)).isZero();
    assertThat(sent.frames).isEmpty();
    assertThat(p.size()).isEqualTo(1);
  }

  /** Frames for next hops anyone can name take half the slots at most; the other half stays free. */
  @Test
  void framesForClientsOnTheSegmentLeaveHalfThePoolToRealServers() {
    PendingFrames p = new PendingFrames(8, 128, 8);
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      if (!p.add(0x0a000100 + i, frame(i), 60, false, i)) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(p.add(HOP1, frame(10 + i), 60, true, 20 + i)).isTrue();
    }
    assertThat(p.expire(100, 50)).isEqualTo(8);
    assertThat(p.add(0x0a000100, frame(1), 60, false, 101)).as("room again after expiry").isTrue();
  }
}
