package io.fabric8.kubernetes.client.server.mock;

import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's CRUD mock API server (7.5.x) with the two things a real API server has and the mock
 * lacks, for the scale harness only (docs/scale.md): objects found by kind, namespace and name
 * through an index (the mock scans every object it stores for every GET and every write), and a
 * watch event serialized once for all its watchers (the mock parses and writes the object again
 * for each watcher: 100 directors watching a part cost it 100 parses), tested against the watches
 * of its kind only. Everything else, the
 * semantics of every request included, is the mock's own. It lives in the mock's package
 * because the mock's watch listener is package-private; it reaches three private fields of the
 * mock by name and fails at once, saying which, if a fabric8 upgrade renamed them. Lists and new
 * watches look at the objects of their kind only.
 */
public final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(IndexedCrudDispatcher.class);

  private final Map<AttributeSet, String> store;
  private final Index index;
  private final Lock readLock;
  private final Set<WatchEventsListener> listeners;
  private final AtomicLong resourceVersion;
  private final KubernetesResponseComposer composer = new KubernetesResponseComposer();
  /** Lookups by name the index answered, and requests left to the mock's scan (lists, GETs of nothing). */
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong scanned = new AtomicLong();

  public IndexedCrudDispatcher(List<CustomResourceDefinitionContext> crds) {
    super(crds);
    index = new Index();
    store = Collections.synchronizedMap(index);
    set(CrudDispatcher.class, "map", store);
    readLock = ((ReadWriteLock) get(KubernetesCrudDispatcher.class, "lock")).readLock();
    @SuppressWarnings("unchecked")
    Set<WatchEventsListener> set = (Set<WatchEventsListener>) get(KubernetesCrudDispatcher.class, "watchEventListeners");
    listeners = set;
    resourceVersion = (AtomicLong) get(KubernetesCrudDispatcher.class, "resourceVersion");
  }

  public long indexedLookups() {
    return indexed.get();
  }

  public long scannedLookups() {
    return scanned.get();
  }

  /**
   * Used by POST (is it there already?), PUT, PATCH and status writes, under the mock's write
   * lock. The index holds every stored object (the store refuses writes that bypass it), so a
   * named object it does not hold is not there.
   */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
      return lookUp(query);
    }
    return scan(() -> super.findResource(query));
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=true")) {
      return super.handleGet(path);
    }
    AttributeSet query = attributeExtractor.fromPath(path);
    String plural = Index.value(query, KubernetesAttributesExtractor.PLURAL);
    if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
      readLock.lock();
      try {
        Map.Entry<AttributeSet, String> hit = lookUp(query);
        if (hit != null) {
          return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(hit.getValue());
        }
        if (!plural.isEmpty()) {
          // the index holds every stored object: a named one it lacks is not there (the mock's
          // answer, a 404 without a body, after a scan of everything it stores)
          indexed.incrementAndGet();
          return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
        }
      } finally {
        readLock.unlock();
      }
    }
    if (!query.containsKey(KubernetesAttributesExtractor.NAME) && !plural.isEmpty()) {
      readLock.lock();
      try {
        List<String> items = matching(query, plural);
        boolean known;
        synchronized (store) {
          known = index.knows(plural);
        }
        if (!items.isEmpty() || known) {
          indexed.incrementAndGet();
          return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
              .setBody(composer.compose(items, String.valueOf(resourceVersion.get())));
        }
      } finally {
        readLock.unlock();
      }
    }
    return scan(() -> super.handleGet(path)); // nothing of that kind yet, or not a kind at all (discovery)
  }

  /** The stored objects of one kind that match {@code query}, in the order they were stored. */
  private List<String> matching(AttributeSet query, String plural) {
    synchronized (store) {
      List<String> out = new java.util.ArrayList<>();
      for (AttributeSet key : index.ofKind(plural)) {
        if (key.matches(query)) {
          out.add(index.get(key));
        }
      }
      return out;
    }
  }

  /** As the mock's, with a listener that writes each event it is given as it was stored. */
  @Override
  public MockResponse handleWatch(String path) {
    AttributeSet query = attributeExtractor.fromPath(path);
    String name = nameSelected(path);
    if (name != null) {
      query = query.add(new Attribute(KubernetesAttributesExtractor.NAME, name));
    }
    String plural = Index.value(query, KubernetesAttributesExtractor.PLURAL);
    SerializedOnce listener = new SerializedOnce(context, query, listeners, opened -> {
      readLock.lock();
      try {
        List<String> existing;
        synchronized (store) {
          existing = index.ofKind(plural).stream().filter(opened::attributeMatches).map(index::get).toList();
        }
        existing.forEach(json -> opened.sendWebSocketResponse(json, Watcher.Action.ADDED));
      } finally {
        readLock.unlock();
      }
    });
    listeners.add(listener);
    return new MockResponse().withWebSocketUpgrade(listener);
  }

  private Map.Entry<AttributeSet, String> lookUp(AttributeSet query) {
    synchronized (store) {
      for (AttributeSet key : index.named(Index.nameOf(query))) {
        if (key.matches(query)) {
          indexed.incrementAndGet();
          return Map.entry(key, index.get(key));
        }
      }
    }
    return null;
  }

  private <T> T scan(java.util.function.Supplier<T> mock) {
    scanned.incrementAndGet();
    return mock.get();
  }

  private static String nameSelected(String path) {
    int q = path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String param : path.substring(q + 1).split("&")) {
      String p = URLDecoder.decode(param, StandardCharsets.UTF_8);
      if (p.startsWith("fieldSelector=metadata.name=")) {
        return p.substring("fieldSelector=metadata.name=".length());
      }
    }
    return null;
  }

  private void set(Class<?> owner, String field, Object value) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      f.set(this, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the fabric8 mock has no field " + owner.getSimpleName() + "." + field, e);
    }
  }

  private Object get(Class<?> owner, String field) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the fabric8 mock has no field " + owner.getSimpleName() + "." + field, e);
    }
  }

  /** The mock's store, indexed by plural, namespace and name as it is written. */
  private static final class Index extends LinkedHashMap<AttributeSet, String> {
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
    private final Map<String, Set<AttributeSet>> byKind = new HashMap<>();
    /** Every kind ever stored: an empty list of one is an answer, not a question for the mock. */
    private final Set<String> kinds = new HashSet<>();

    static String nameOf(AttributeSet attributes) {
      return value(attributes, KubernetesAttributesExtractor.PLURAL) + "/"
          + value(attributes, KubernetesAttributesExtractor.NAMESPACE) + "/"
          + value(attributes, KubernetesAttributesExtractor.NAME);
    }

    static String value(AttributeSet attributes, String key) {
      Attribute a = attributes.getAttribute(key);
      return a == null || a.getValues().isEmpty() ? "" : a.getValues().get(0).toString();
    }

    Set<AttributeSet> named(String name) {
      Set<AttributeSet> keys = byName.get(name);
      return keys == null ? Set.of() : keys;
    }

    boolean knows(String plural) {
      return kinds.contains(plural);
    }

    Set<AttributeSet> ofKind(String plural) {
      Set<AttributeSet> keys = byKind.get(plural);
      return keys == null ? Set.of() : keys;
    }

    @Override
    public String put(AttributeSet key, String value) {
      byName.computeIfAbsent(nameOf(key), k -> new HashSet<>()).add(key);
      byKind.computeIfAbsent(value(key, KubernetesAttributesExtractor.PLURAL), k -> new java.util.LinkedHashSet<>())
          .add(key);
      kinds.add(value(key, KubernetesAttributesExtractor.PLURAL));
      return super.put(key, value);
    }

    @Override
    public String remove(Object key) {
      if (key instanceof AttributeSet a) {
        drop(byName, nameOf(a), a);
        drop(byKind, value(a, KubernetesAttributesExtractor.PLURAL), a);
      }
      return super.remove(key);
    }

    private static void drop(Map<String, Set<AttributeSet>> index, String at, AttributeSet key) {
      Set<AttributeSet> keys = index.get(at);
      if (keys != null && keys.remove(key) && keys.isEmpty()) {
        index.remove(at);
      }
    }

    @Override
    public void clear() {
      byName.clear();
      byKind.clear();
      super.clear();
    }

    // the mock writes with put, remove and clear only; any other write would bypass the index
    @Override
    public void putAll(Map<? extends AttributeSet, ? extends String> m) {
      throw new UnsupportedOperationException("write through put");
    }

    @Override
    public String putIfAbsent(AttributeSet key, String value) {
      throw new UnsupportedOperationException("write through put");
    }

    @Override
    public String compute(AttributeSet key,
        java.util.function.BiFunction<? super AttributeSet, ? super String, ? extends String> f) {
      throw new UnsupportedOperationException("write through put");
    }

    @Override
    public String merge(AttributeSet key, String value,
        java.util.function.BiFunction<? super String, ? super String, ? extends String> f) {
      throw new UnsupportedOperationException("write through put");
    }

    @Override
    public String replace(AttributeSet key, String value) {
      throw new UnsupportedOperationException("write through put");
    }

    @Override
    public Set<Map.Entry<AttributeSet, String>> entrySet() {
      return Collections.unmodifiableSet(super.entrySet());
    }

    @Override
    public Set<AttributeSet> keySet() {
      return Collections.unmodifiableSet(super.keySet());
    }

    @Override
    public java.util.Collection<String> values() {
      return Collections.unmodifiableCollection(super.values());
    }
  }

  /**
   * A watcher that is sent each event as {"type":..., "object": the object as stored}: built once
   * per event and shared by every watcher, as an API server's watch cache does.
   */
  static final class SerializedOnce extends WatchEventsListener {
    /** The last event built: the dispatcher hands the same stored text to every watcher in turn. */
    private static volatile Object[] last = new Object[3];
    private volatile WebSocket socket;
    /** The kind it watches: the mock tests every write against every watch, this first. */
    private final String plural;

    SerializedOnce(io.fabric8.mockwebserver.Context context, AttributeSet query, Set<WatchEventsListener> all,
        java.util.function.Consumer<WatchEventsListener> onOpen) {
      super(context, query, all, LOG, onOpen);
      plural = Index.value(query, KubernetesAttributesExtractor.PLURAL);
    }

    @Override
    public boolean attributeMatches(AttributeSet attributes) {
      if (!plural.isEmpty() && !plural.equals(Index.value(attributes, KubernetesAttributesExtractor.PLURAL))) {
        return false; // another kind: no need to compare every attribute
      }
      return super.attributeMatches(attributes);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      super.onOpen(webSocket, response);
    }

    @Override
    public void sendWebSocketResponse(String object, Watcher.Action action) {
      Object[] event = last;
      String message;
      if (event[0] == object && event[1] == action) {
        message = (String) event[2];
      } else {
        message = "{\"type\":\"" + action.name() + "\",\"object\":" + object + "}";
        last = new Object[] {object, action, message};
      }
      WebSocket ws = socket;
      if (ws != null) {
        // one message at a time: the replay on open and writes of other connections send from
        // other threads, and the frames of two large messages must not interleave
        synchronized (this) {
          ws.send(message);
        }
      }
    }
  }
}
