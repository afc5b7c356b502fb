package io.lvsoperator.operator;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The operator's /metrics, /healthz and /readyz. Jetty parses requests without holding a thread,
 * so a client that sends half a request and waits costs a socket until the idle timeout and never
 * delays a probe; a small pool and a connection limit bound what many clients can take.
 */
public final class OperatorHttpServer implements AutoCloseable {
  static final int THREADS = 8;
  static final long IDLE_TIMEOUT_MILLIS = 5_000;
  static final int MAX_CONNECTIONS = 256;
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** One answer: status, content type, body. */
  record Reply(int status, String contentType, String body) {
    static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body);
    }
  }

  private final Server server;
  private final ServerConnector connector;

  OperatorHttpServer(InetSocketAddress address, Map<String, Supplier<Reply>> routes) {
    QueuedThreadPool pool = new QueuedThreadPool(THREADS, 2);
    pool.setName("operator-http");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Supplier<Reply> route = routes.get(Request.getPathInContext(request));
        Reply r = route == null ? Reply.text(404, "try " + String.join(", ", routes.keySet()) + "\n") : route.get();
        response.setStatus(r.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        response.write(true, ByteBuffer.wrap(r.body().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
  }

  void start() throws Exception {
    server.start();
  }

  /** Where it listens (the chosen port when it was 0). */
  InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost() == null ? "0.0.0.0" : connector.getHost(),
        connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: nothing left to do
    }
  }
}
