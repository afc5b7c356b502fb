package io.lvsoperator.dataplane.bench;

import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated directors' decoding of watch events, once per event for all of them: they share
 * one JVM on one machine, where real directors each decode on a node of their own (what one
 * director's decode and compile cost is measured apart, by {@link CompileRun}). Without it the
 * harness spends most of its CPU decoding every large event once per simulated director (100
 * directors: 100 decodes of each 40 KB part), and measures that instead of the control plane
 * (docs/scale.md). Events of the same text get the same decoded object, which the directors only
 * read. Small events (Leases, heads) are decoded each time.
 */
final class SharedEventSerialization extends KubernetesSerialization {
  private static final int SHARED_FROM = 4096;
  private static final int REMEMBERED = 256;

  private final ConcurrentHashMap<String, Object> recent = new ConcurrentHashMap<>();
  final AtomicLong decoded = new AtomicLong();
  final AtomicLong shared = new AtomicLong();

  @Override
  public <T> T unmarshal(String text, Class<T> type) {
    if (type != WatchEvent.class || text.length() < SHARED_FROM) {
      return super.unmarshal(text, type);
    }
    boolean[] mine = new boolean[1];
    Object event = recent.computeIfAbsent(text, t -> {
      mine[0] = true;
      return super.unmarshal(t, type);
    });
    (mine[0] ? decoded : shared).incrementAndGet();
    if (recent.size() > REMEMBERED) {
      recent.clear(); // older events have reached every director by now, or will be decoded again
    }
    return type.cast(event);
  }
}
