package io.lvsoperator.dataplane.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvsoperator.api.v1alpha1.ConfigPartSpec;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds, for each change the harness makes, the first generation of the shared configuration
 * that carries it, by reading the configuration as a director does (once, not once per
 * director). A change is one VirtualService's first real server given a new weight.
 */
final class ChangeObserver implements AutoCloseable {
  /** A change: which VirtualService, the weight it now asks for, and the generation found. */
  static final class Change {
    final String key;
    final int weight;
    final long startedNanos;
    volatile long generation = -1;
    /** When this reader, a watcher like any director, first held the generation carrying it. */
    volatile long foundNanos;

    Change(String key, int weight, long startedNanos) {
      this.key = key;
      this.weight = weight;
      this.startedNanos = startedNanos;
    }
  }

  private final Map<String, Change> pending = new ConcurrentHashMap<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final AtomicBoolean queued = new AtomicBoolean();
  private final SharedIndexInformer<DirectorConfig> heads;
  private final SharedIndexInformer<DirectorConfigPart> parts;

  ChangeObserver(KubernetesClient client) {
    heads = client.resources(DirectorConfig.class).inform(handler(), 0);
    parts = client.resources(DirectorConfigPart.class).withLabel(SharedConfig.PART_LABEL, SharedConfig.HEAD)
        .inform(handler(), 0);
  }

  void expect(Change c) {
    pending.put(c.key, c);
    queue();
  }

  int pending() {
    return pending.size();
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        queue();
      }

      @Override
      public void onUpdate(T before, T after) {
        queue();
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        queue();
      }
    };
  }

  private void queue() {
    if (queued.compareAndSet(false, true)) {
      worker.execute(() -> {
        queued.set(false);
        look();
      });
    }
  }

  private void look() {
    if (pending.isEmpty() || heads == null || parts == null) {
      return;
    }
    DirectorConfig head = heads.getStore().getByKey(SharedConfig.HEAD);
    if (head == null) {
      return;
    }
    List<ConfigPartSpec> held = parts.getStore().list().stream().map(DirectorConfigPart::getSpec)
        .filter(Objects::nonNull).toList();
    var assembled = SharedConfig.assemble(head.getSpec(), held);
    if (assembled.isEmpty()) {
      return;
    }
    int count = head.getSpec().partRevisions().size();
    Map<Integer, ConfigPartSpec> byIndex = new java.util.HashMap<>();
    held.forEach(p -> byIndex.put(p.index(), p));
    for (Change c : List.copyOf(pending.values())) {
      ConfigPartSpec part = byIndex.get(SharedConfig.partOf(c.key, count));
      for (ServiceSpec s : part.services()) {
        if (c.key.equals(s.name()) && s.realServers().get(0).weight() == c.weight) {
          c.foundNanos = System.nanoTime();
          c.generation = assembled.get().generation();
          pending.remove(c.key, c);
          break;
        }
      }
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    heads.close();
    parts.close();
  }
}
