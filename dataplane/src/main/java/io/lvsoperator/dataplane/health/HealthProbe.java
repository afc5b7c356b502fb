package io.lvsoperator.dataplane.health;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.HealthCheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One check of one real server, from the director's own network stack: a TCP connect, or an
 * HTTP/1.0 GET whose status must be 2xx or 3xx (as keepalived's HTTP_GET). Blocking, bounded by
 * the check's timeout; runs on the health-check threads, never on the packet path.
 */
public final class HealthProbe {
  private HealthProbe() {}

  public static boolean check(HealthCheckSpec spec, int address, int port) {
    int timeoutMillis = spec.timeoutSeconds() * 1000;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Ipv4.format(address), port), timeoutMillis);
      if (!"http".equals(spec.type())) {
        return true;
      }
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + spec.path() + " HTTP/1.0\r\nHost: " + Ipv4.format(address) + "\r\nUser-Agent: lvs-dataplane\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
      if (head.length < 12) {
        return false;
      }
      String line = new String(head, StandardCharsets.US_ASCII);
      char klass = line.charAt(9);
      return line.startsWith("HTTP/") && (klass == '2' || klass == '3');
    } catch (IOException e) {
      return false;
    }
  }
}
