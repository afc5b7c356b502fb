package io.lvsoperator.dataplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.engine.Engines;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint answers its probes whatever other clients do. */
class AdminServerTest {
  private final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  private final AtomicReference<String> notLive = new AtomicReference<>();
  private final AtomicReference<String> notReady = new AtomicReference<>("no configuration applied yet");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Socket> hostile = new ArrayList<>();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    Engine engine = new Engine(new MemoryPacketPort(), tables, 1024, System::nanoTime);
    server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), tables::get, Engines.of(engine),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new DirectorHealth() {
          @Override
          public String notLive() {
            return notLive.get();
          }

          @Override
          public String notReady() {
            return notReady.get();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : hostile) {
      s.close();
    }
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    // a kubelet probe's default timeout is 1 s; 2 s leaves room for a loaded CI machine
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesAreAnsweredWhileClientsHoldHalfSentRequests() throws Exception {
    for (int i = 0; i < 3 * AdminServer.THREADS; i++) {
      Socket s = new Socket("127.0.0.1", server.address().getPort());
      s.getOutputStream().write("G".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      hostile.add(s);
    }
    HttpResponse<String> live = get("/livez");
    assertThat(live.statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/healthz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("no configuration applied yet");
  }

  @Test
  void aStuckEngineFailsLivenessAndReadiness() throws Exception {
    notLive.set("engine loop stuck for 12 s");
    notReady.set("engine loop stuck for 12 s");
    assertThat(get("/livez").statusCode()).isEqualTo(503);
    assertThat(get("/healthz").body()).contains("stuck");
  }

  @Test
  void metricsCarryThePrometheusTextContentType() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(AdminServer.PROMETHEUS_TEXT);
  }

  @Test
  void stateIsAnsweredOnLoopback() throws Exception {
    HttpResponse<String> state = get("/v1/state");
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.body()).contains("\"generation\"");
  }

  @Test
  void anIdleHalfRequestIsClosedAfterTheIdleTimeout() throws Exception {
    Socket s = new Socket("127.0.0.1", server.address().getPort());
    hostile.add(s);
    s.setSoTimeout((int) (AdminServer.IDLE_TIMEOUT_MILLIS * 3));
    s.getOutputStream().write("GET /hea".getBytes(StandardCharsets.US_ASCII));
    // the server ends the connection (EOF or a 408/400 answer), it does not wait for ever
    byte[] rest = s.getInputStream().readAllBytes();
    assertThat(new String(rest, StandardCharsets.US_ASCII)).doesNotContain("200 OK");
  }
}
