package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves an image digest in an {@link ImageSource} into its platforms: follows an index (OCI or Docker manifest
 * list) to its platform manifests, reads each config. Attestation manifests (platform {@code unknown/unknown}, as
 * BuildKit pushes them) are skipped; they are not runnable images.
 */
public final class ImageReader {
  private final ImageSource source;

  public ImageReader(ImageSource source) {
    this.source = source;
  }

  public ResolvedImage read(String digest) throws IOException {
    ImageSource.Manifest top = source.manifest(digest);
    JsonNode json = Json.mapper().readTree(top.bytes());
    List<ResolvedImage.Platform> platforms = new ArrayList<>();
    if (isIndex(top.mediaType(), json)) {
      for (JsonNode entry : json.path("manifests")) {
        String entryDigest = entry.path("digest").asText();
        String entryType = entry.path("mediaType").asText();
        if (MediaTypes.isIndex(entryType)) {
          // an index.json pointing at the image's own index (a layout holding one tagged image)
          return read(entryDigest);
        }
        JsonNode p = entry.path("platform");
        if ("unknown".equals(p.path("os").asText()) && "unknown".equals(p.path("architecture").asText())) {
          continue;
        }
        platforms.add(platform(source.manifest(entryDigest), p));
      }
    } else {
      platforms.add(platform(top, null));
    }
    if (platforms.isEmpty()) {
      throw new IOException(source.describe() + ": " + digest + " lists no runnable platform image");
    }
    return new ResolvedImage(digest, top.mediaType(), platforms);
  }

  private static boolean isIndex(String mediaType, JsonNode json) {
    return MediaTypes.isIndex(mediaType) || (mediaType == null && json.has("manifests"));
  }

  private ResolvedImage.Platform platform(ImageSource.Manifest manifest, JsonNode declared) throws IOException {
    JsonNode m = Json.mapper().readTree(manifest.bytes());
    String configDigest = m.path("config").path("digest").asText();
    byte[] configBytes;
    try (InputStream in = source.openBlob(configDigest)) {
      configBytes = in.readAllBytes();
    }
    if (!Digests.sha256(configBytes).equals(configDigest)) {
      throw new IOException(source.describe() + ": config blob " + configDigest + " does not match its digest");
    }
    JsonNode config = Json.mapper().readTree(configBytes);
    List<ResolvedImage.Layer> layers = new ArrayList<>();
    for (JsonNode l : m.path("layers")) {
      layers.add(new ResolvedImage.Layer(l.path("digest").asText(), l.path("mediaType").asText(),
          l.path("size").asLong()));
    }
    String os = declared != null && declared.hasNonNull("os") ? declared.get("os").asText()
        : config.path("os").asText("linux");
    String arch = declared != null && declared.hasNonNull("architecture") ? declared.get("architecture").asText()
        : config.path("architecture").asText("amd64");
    String variant = declared != null && declared.hasNonNull("variant") ? declared.get("variant").asText()
        : config.path("variant").asText(null);
    return new ResolvedImage.Platform(os, arch, variant, manifest.digest(), manifest.mediaType(),
        manifest.bytes().length, configDigest, configBytes.length, config, layers);
  }
}
