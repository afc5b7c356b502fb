package io.lvsoperator.dataplane.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.engine.Engine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin HTTP endpoint: /healthz, /metrics (Prometheus text) and /v1/state (JSON). */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;

  /** @param forwarding false once the engine thread has died: the director is then not healthy */
  public AdminServer(InetSocketAddress address, AtomicReference<ForwardingTable> tables, Engine engine,
      PrometheusMeterRegistry registry, BooleanSupplier forwarding) throws IOException {
    server = HttpServer.create(address, 16);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "admin-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/healthz", ex -> {
      ForwardingTable t = tables.get();
      if (!forwarding.getAsBoolean()) {
        respond(ex, 503, "text/plain", "engine stopped (see the log)\n");
      } else if (t == null) {
        respond(ex, 503, "text/plain", "no configuration applied yet\n");
      } else {
        respond(ex, 200, "text/plain", "ok generation " + t.generation() + "\n");
      }
    });
    server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape()));
    server.createContext("/v1/state", ex -> respond(ex, 200, "application/json",
        JSON.writeValueAsString(StateView.of(tables.get(), engine)) + "\n"));
    server.createContext("/", ex -> respond(ex, 404, "text/plain", "try /healthz, /metrics or /v1/state\n"));
  }

  public void start() {
    server.start();
    LOG.info("admin endpoint listening on {}", server.getAddress());
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
