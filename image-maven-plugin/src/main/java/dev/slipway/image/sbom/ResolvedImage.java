package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A built image as read from its store: the digest users pull (an index or a single manifest) and, per platform,
 * the manifest digest, the image config and the layers in order from the base up.
 */
public record ResolvedImage(String digest, String mediaType, List<Platform> platforms) {
  public ResolvedImage {
    platforms = List.copyOf(platforms);
  }

  /** A layer as the manifest lists it (size = compressed bytes in the registry). */
  public record Layer(String digest, String mediaType, long size) {}

  /** One platform's image. */
  public record Platform(String os, String architecture, String variant, String manifestDigest,
      String manifestMediaType, long manifestSize, String configDigest, long configSize, JsonNode config,
      List<Layer> layers) {
    public Platform {
      layers = List.copyOf(layers);
    }

    /** {@code os/arch[/variant]}, as Docker and OCI tools print platforms. */
    public String id() {
      return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }

    /** Compressed size as pushed: manifest + config + every layer blob. */
    public long compressedSize() {
      return manifestSize + configSize + layers.stream().mapToLong(Layer::size).sum();
    }

    /** {@code config.config} of the image config: User, Env, Labels, ExposedPorts, ... (may be missing). */
    public JsonNode runtimeConfig() {
      return config.path("config");
    }
  }
}
