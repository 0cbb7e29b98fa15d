package dev.slipway.deploy.pipeline;

import java.io.IOException;

/** Asks an image registry which manifest digest a tag points at. One implementation: {@link HttpRegistryDigestResolver}. */
public interface RegistryDigestResolver {
  /** The digest ({@code sha256:...}) of the manifest or index that {@code reference}'s tag names. */
  String digestOf(ImageReference reference) throws IOException, InterruptedException;
}
