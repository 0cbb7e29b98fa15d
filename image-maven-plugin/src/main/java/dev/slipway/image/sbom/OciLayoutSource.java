package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}). */
public final class OciLayoutSource implements ImageSource {
  private final Path dir;

  public OciLayoutSource(Path dir) throws InvalidInputException {
    this.dir = dir;
    if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(dir.resolve("index.json"))) {
      throw new InvalidInputException(dir + " is not an OCI image layout: expected the files oci-layout and "
          + "index.json (run image:build first, or point image.layout at a layout directory)");
    }
  }

  /**
   * The layout's top-level index ({@code index.json}). Its digest is the digest of those bytes, which is the image
   * digest when index.json itself is the image index; otherwise the image index (or manifest) is a blob that
   * index.json points to, as image:build writes it.
   */
  public Manifest topIndex() throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve("index.json"));
    JsonNode json = Json.mapper().readTree(bytes);
    return new Manifest(json.path("mediaType").asText(MediaTypes.OCI_INDEX), Digests.sha256(bytes), bytes);
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    Manifest top = topIndex();
    if (top.digest().equals(digest)) {
      return top;
    }
    byte[] bytes = readBlob(digest);
    JsonNode json = Json.mapper().readTree(bytes);
    String mediaType = json.path("mediaType").asText(null);
    if (mediaType == null) {
      mediaType = json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    return new Manifest(mediaType, digest, bytes);
  }

  private byte[] readBlob(String digest) throws IOException {
    Path file = blob(digest);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("OCI layout " + dir + " has no blob " + digest + " (expected " + file + ")", e);
    }
    if (!Digests.sha256(bytes).equals(digest)) {
      throw new IOException("blob " + file + " does not match its digest " + digest + ": the layout is corrupt");
    }
    return bytes;
  }

  @Override
  public InputStream openBlob(String digest) throws IOException {
    Path file = blob(digest);
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new IOException("OCI layout " + dir + " has no blob " + digest + " (expected " + file + ")", e);
    }
  }

  /** Where the blob at {@code digest} lives (it may not exist). */
  public Path blobPath(String digest) {
    return blob(digest);
  }

  private Path blob(String digest) {
    return dir.resolve("blobs").resolve("sha256").resolve(Digests.hex(digest));
  }

  @Override
  public String describe() {
    return "OCI layout " + dir;
  }
}
