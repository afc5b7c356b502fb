package io.lvsoperator.dataplane.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last applied configuration on local disk, so a dataplane restarted while the API server is
 * unreachable forwards at once with what it had. Written atomically (temp file, rename).
 */
public final class ConfigCache {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public ConfigCache(Path file) {
    this.file = file;
  }

  public void save(DirectorSpec spec) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, JSON.writeValueAsString(spec));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("configuration cache {} not written: {}", file, e.getMessage());
    }
  }

  public Optional<DirectorSpec> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(Files.readString(file), DirectorSpec.class));
    } catch (IOException e) {
      LOG.warn("configuration cache {} unreadable, ignored: {}", file, e.getMessage());
      return Optional.empty();
    }
  }
}
