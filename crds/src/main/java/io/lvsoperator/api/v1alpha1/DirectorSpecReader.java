package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a {@link DirectorSpec} from YAML or JSON (JSON is YAML) and validates it: a document that
 * does not parse, has an unknown field or breaks a rule is rejected with the field named.
 */
public final class DirectorSpecReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private DirectorSpecReader() {}

  public static DirectorSpec read(Path file) throws IOException, InvalidConfigurationException {
    return parse(Files.readString(file));
  }

  public static DirectorSpec parse(String text) throws InvalidConfigurationException {
    DirectorSpec spec;
    try {
      spec = MAPPER.readValue(text, DirectorSpec.class);
    } catch (JsonMappingException e) {
      throw new InvalidConfigurationException(List.of(describe(e)));
    } catch (JsonProcessingException e) {
      throw new InvalidConfigurationException(List.of("not YAML or JSON: " + e.getOriginalMessage()));
    }
    if (spec == null) {
      throw new InvalidConfigurationException(List.of("the document is empty"));
    }
    List<String> violations = DirectorSpecValidator.validate(spec);
    if (!violations.isEmpty()) {
      throw new InvalidConfigurationException(violations);
    }
    return spec;
  }

  /** The mapper used for files; the dataplane writes its state with the same settings. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static String describe(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String message = e.getOriginalMessage();
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
      message = cause.getMessage();
    }
    int nl = message.indexOf('\n');
    if (nl > 0) {
      message = message.substring(0, nl);
    }
    return (path.length() == 0 ? "document" : path.toString()) + ": " + message;
  }
}
