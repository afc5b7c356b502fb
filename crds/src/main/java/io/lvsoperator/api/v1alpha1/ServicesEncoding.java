package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a part carries its services: the JSON array of {@link ServiceSpec}s, gzipped, in base64
 * (as Helm stores a release in a Secret). Services of real servers repeat their field names and
 * address prefixes: a part of them shrinks six to seven times, and so does what the API server
 * sends each director watching it (docs/architecture.md, "The shared configuration").
 */
public final class ServicesEncoding {
  /** A part decodes to at most this much JSON: a bomb of zeros stops here, not at the heap's end. */
  static final int MAX_DECODED_BYTES = 64 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<ServiceSpec>> LIST = new TypeReference<>() {};

  private ServicesEncoding() {}

  public static String encode(List<ServiceSpec> services) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      JSON.writeValue(gzip, services);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode " + services.size() + " services", e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** The services {@code encoded} holds; IllegalArgumentException saying why when it holds none. */
  public static List<ServiceSpec> decode(String encoded) {
    byte[] gzipped;
    try {
      gzipped = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("servicesGzip is not base64: " + e.getMessage(), e);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      byte[] json = in.readNBytes(MAX_DECODED_BYTES + 1);
      if (json.length > MAX_DECODED_BYTES) {
        throw new IllegalArgumentException("servicesGzip decodes to more than " + MAX_DECODED_BYTES + " bytes");
      }
      List<ServiceSpec> services = JSON.readValue(json, LIST);
      return services == null ? List.of() : List.copyOf(services);
    } catch (IOException e) {
      throw new IllegalArgumentException("servicesGzip is not a gzipped JSON list of services: " + e.getMessage(), e);
    }
  }
}
