package dev.slipway.image.sign;

import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryCredentials;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/**
 * What {@link ImageVerifier} checks: the image, who must have signed it, which attestations must exist, and where
 * {@code verified.json} goes, and how the registry is reached (plain HTTP or not, timeouts).
 */
public record VerifyConfig(
    ImageRef image,
    Policy policy,
    List<String> requiredPredicateTypes,
    Path outputDir,
    RegistryCredentials credentials,
    RegistryAccess registryAccess) {

  public VerifyConfig {
    requiredPredicateTypes = requiredPredicateTypes == null ? List.of() : List.copyOf(requiredPredicateTypes);
    registryAccess = registryAccess == null ? RegistryAccess.secure() : registryAccess;
  }

  /** With the default registry limits; {@code insecureRegistry}: the image's registry is reached over plain HTTP. */
  public VerifyConfig(ImageRef image, Policy policy, List<String> requiredPredicateTypes, Path outputDir,
      RegistryCredentials credentials, boolean insecureRegistry) {
    this(image, policy, requiredPredicateTypes, outputDir, credentials,
        insecureRegistry && image != null ? RegistryAccess.of(java.util.Set.of(image.registry()))
            : RegistryAccess.secure());
  }

  /** Whether the image's registry is reached over plain HTTP. */
  public boolean insecureRegistry() {
    return image != null && registryAccess.isInsecure(image.registry());
  }

  /** Who must have signed. */
  public sealed interface Policy {}

  /**
   * A keyless signature by {@code identity} (exact) or an identity matching {@code identityRegex} (whole match), from
   * {@code issuer}, under the trust of {@code instance} or the {@code trustedRoot} file.
   */
  public record Keyless(String identity, String identityRegex, String issuer, SignConfig.Instance instance,
      Path trustedRoot) implements Policy {}

  /**
   * A signature by the holder of {@code key}. Rekor entries that come with a signature are checked against the
   * transparency logs of {@code trustedRoot} when it is given; {@code requireTlog} (cosign's default) refuses a
   * signature or attestation without a verified entry.
   */
  public record Key(PublicKey key, String source, Path trustedRoot, boolean requireTlog) implements Policy {
    public Key(PublicKey key, String source) {
      this(key, source, null, false);
    }
  }
}
