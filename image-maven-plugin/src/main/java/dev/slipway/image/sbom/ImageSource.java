package dev.slipway.image.sbom;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of a built image come from: an OCI image layout on disk or a registry. Slipway reads an image
 * through this one interface so that the SBOM and the policy check see exactly the same manifests and layers
 * whichever store holds them.
 */
public interface ImageSource {
  /** A manifest or index with its media type and digest. */
  record Manifest(String mediaType, String digest, byte[] bytes) {}

  /** The manifest or index at {@code digest}; its digest is verified by the implementation. */
  Manifest manifest(String digest) throws IOException;

  /** Streams the blob at {@code digest}; the caller closes the stream and verifies the digest where it matters. */
  InputStream openBlob(String digest) throws IOException;

  /** Where the image is read from, for log lines and error messages. */
  String describe();
}
