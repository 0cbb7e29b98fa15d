package dev.slipway.image.sbom;

import dev.slipway.common.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;

/** An image in a registry, read through {@link RegistryClient} (which verifies manifest digests). */
public final class RegistrySource implements ImageSource {
  private final RegistryClient client;

  public RegistrySource(RegistryClient client) {
    this.client = client;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    RegistryClient.Manifest m = client.getManifest(digest);
    if (!m.digest().equals(digest)) {
      throw new IOException("registry " + client.registry() + " returned a manifest with digest " + m.digest()
          + " when asked for " + digest);
    }
    return new Manifest(m.mediaType(), m.digest(), m.bytes());
  }

  @Override
  public InputStream openBlob(String digest) throws IOException {
    return client.openBlob(digest);
  }

  @Override
  public String describe() {
    return "registry " + client.registry() + "/" + client.repository();
  }
}
