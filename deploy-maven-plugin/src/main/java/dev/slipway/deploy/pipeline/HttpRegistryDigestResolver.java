package dev.slipway.deploy.pipeline;

import dev.slipway.common.Log;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.RegistryCredentials;
import java.io.IOException;
import java.util.function.Function;

/**
 * Resolves a tag through the registry's distribution API with Slipway's shared {@link RegistryClient}: a HEAD of the
 * manifest (OCI index or manifest, Docker manifest list or v2 manifest), anonymous or with credentials, Basic or
 * Bearer. Loopback registries are spoken to over plain HTTP, all others over HTTPS.
 */
public final class HttpRegistryDigestResolver implements RegistryDigestResolver {
  private final Function<String, RegistryCredentials> credentials;
  private final Log log;

  /** {@code credentials} gives the credentials for a registry ({@code host[:port]}), or null for anonymous. */
  public HttpRegistryDigestResolver(Function<String, RegistryCredentials> credentials, Log log) {
    this.credentials = credentials;
    this.log = log;
  }

  @Override
  public String digestOf(ImageReference ref) throws IOException, InterruptedException {
    String host = ref.registry();
    boolean loopback = host.startsWith("localhost") || host.startsWith("127.") || host.startsWith("[::1]");
    RegistryClient client = new RegistryClient(host, ref.repository(), credentials.apply(host), loopback, log);
    return client.headManifest(ref.tag())
        .map(RegistryClient.Descriptor::digest)
        .orElseThrow(() -> new IOException("image " + ref.name() + ":" + ref.tag() + " not found in the registry"));
  }
}
