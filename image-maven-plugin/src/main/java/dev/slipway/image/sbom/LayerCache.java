package dev.slipway.image.sbom;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.registry.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Remembers what each layer holds of the package databases, by layer digest, so that unchanged base layers are
 * not downloaded and decompressed again on every build (only the application layers change between builds). A
 * layer's digest names its exact bytes, so an entry never goes stale; the file name also carries a format version
 * that changes whenever the set of files read from layers changes. An unreadable entry is a miss.
 */
public final class LayerCache {
  /** Bump when {@link OsPackages#WANTED}, {@link OsPackages#REDUCE} or {@link LayerFiles.Delta} change. */
  static final String FORMAT = "v3";

  private final Path dir;
  private final Log log;

  public LayerCache(Path dir, Log log) {
    this.dir = dir;
    this.log = log;
  }

  public LayerFiles.Delta get(String digest) {
    Path file = file(digest);
    try {
      return Json.mapper().readValue(Files.readAllBytes(file), LayerFiles.Delta.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      log.debug("layer cache entry " + file + " is unreadable, reading the layer again: " + e.getMessage());
      return null;
    }
  }

  public void put(String digest, LayerFiles.Delta delta) {
    try {
      AtomicFiles.write(file(digest), Json.mapper().writeValueAsBytes(delta));
    } catch (IOException e) {
      log.debug("cannot write layer cache entry for " + digest + " in " + dir + ": " + e.getMessage());
    }
  }

  private Path file(String digest) {
    return dir.resolve(Digests.hex(digest) + "." + FORMAT + ".json");
  }
}
