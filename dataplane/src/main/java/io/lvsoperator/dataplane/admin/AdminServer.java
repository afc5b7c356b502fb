package io.lvsoperator.dataplane.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.engine.Engines;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: /livez and /healthz (the probes), /metrics (Prometheus text) and
 * /v1/state (JSON, every tenant's real servers: answered only to requests that arrive on the
 * loopback interface). Jetty parses requests without holding a thread, so a client that sends
 * half a request and waits costs a socket until the idle timeout, never a probe's answer; a
 * bounded pool and connection limit cap what many clients can take.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int THREADS = 8;
  static final long IDLE_TIMEOUT_MILLIS = 5_000;
  static final int MAX_CONNECTIONS = 256;
  static final int MAX_HEADER_BYTES = 8_192;
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Server server;
  private final ServerConnector primary;

  public AdminServer(InetSocketAddress address, Supplier<ForwardingTable> tables, Engines engine,
      PrometheusMeterRegistry registry, DirectorHealth health) {
    // queued work is bounded by the connection limit below
    QueuedThreadPool pool = new QueuedThreadPool(THREADS, 2);
    pool.setName("admin-http");
    pool.setDaemon(true);
    server = new Server(pool);
    primary = connector(address);
    List<Connector> connectors = new ArrayList<>(List.of(primary));
    InetAddress host = address.getAddress();
    if (host != null && !host.isLoopbackAddress() && !host.isAnyLocalAddress()) {
      // a node address for the probes and the scrape; /v1/state stays on the node itself
      connectors.add(connector(new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort())));
    }
    connectors.forEach(server::addConnector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        switch (path) {
          case "/livez" -> probe(response, callback, health.notLive(), "ok\n");
          case "/healthz", "/readyz" -> {
            ForwardingTable t = tables.get();
            probe(response, callback, health.notReady(), "ok generation " + (t == null ? -1 : t.generation()) + "\n");
          }
          case "/metrics" -> respond(response, callback, 200, PROMETHEUS_TEXT, registry.scrape());
          case "/v1/state" -> {
            if (InetAddress.getByName(Request.getLocalAddr(request)).isLoopbackAddress()) {
              respond(response, callback, 200, "application/json",
                  JSON.writeValueAsString(StateView.of(tables.get(), engine)) + "\n");
            } else {
              respond(response, callback, 403, "text/plain", "/v1/state lists every tenant's real servers and is "
                  + "answered on the node itself only: curl http://127.0.0.1:" + address.getPort() + "/v1/state\n");
            }
          }
          default -> respond(response, callback, 404, "text/plain", "try /livez, /healthz, /metrics or /v1/state\n");
        }
        return true;
      }
    });
  }

  private ServerConnector connector(InetSocketAddress address) {
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    // one acceptor, one selector: this endpoint serves probes and scrapes, not traffic
    ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    c.setHost(address.getHostString());
    c.setPort(address.getPort());
    c.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    return c;
  }

  private static void probe(Response response, Callback callback, String problem, String ok) {
    if (problem == null) {
      respond(response, callback, 200, "text/plain", ok);
    } else {
      respond(response, callback, 503, "text/plain", problem + "\n");
    }
  }

  private static void respond(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  public void start() throws Exception {
    server.start();
    LOG.info("admin endpoint listening on {}", address());
  }

  /** Where the admin endpoint listens (the port chosen when it was 0). */
  public InetSocketAddress address() {
    return new InetSocketAddress(primary.getHost(), primary.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("admin endpoint did not stop cleanly: {}", e.getMessage());
    }
  }
}
