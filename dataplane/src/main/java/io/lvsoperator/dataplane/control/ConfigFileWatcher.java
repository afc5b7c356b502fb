package io.lvsoperator.dataplane.control;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.UnaryOperator;

/**
 * Standalone mode's configuration source: reads the file, and again whenever its modification
 * time or size changes. Polling rather than a WatchService, because editors and config-map
 * mounts replace files by rename, which watches easily miss.
 */
public final class ConfigFileWatcher {
  private final Path file;
  private final ConfigApplier applier;
  private final UnaryOperator<DirectorSpec> overrides;
  private FileTime lastModified;
  private long lastSize = -1;

  public ConfigFileWatcher(Path file, ConfigApplier applier, UnaryOperator<DirectorSpec> overrides) {
    this.file = file;
    this.applier = applier;
    this.overrides = overrides;
  }

  /** Reads the file if it changed since the last call; returns true when a configuration applied. */
  public boolean poll() {
    FileTime modified;
    long size;
    try {
      modified = Files.getLastModifiedTime(file);
      size = Files.size(file);
    } catch (IOException e) {
      if (lastSize != -2) {
        applier.rejected(-1, "cannot read " + file + ": " + e.getMessage());
        lastSize = -2;
      }
      return false;
    }
    if (modified.equals(lastModified) && size == lastSize) {
      return false;
    }
    lastModified = modified;
    lastSize = size;
    try {
      return applier.apply(overrides.apply(DirectorSpecReader.read(file)));
    } catch (InvalidConfigurationException e) {
      applier.rejected(-1, file + ": " + String.join("; ", e.violations()));
    } catch (IOException e) {
      applier.rejected(-1, "cannot read " + file + ": " + e.getMessage());
    }
    return false;
  }
}
