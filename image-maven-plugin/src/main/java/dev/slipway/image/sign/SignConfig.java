package dev.slipway.image.sign;

import dev.slipway.common.InvalidInputException;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@link ImageSigner} needs, resolved by the caller (the Mojo): the image, how to sign, and where to write.
 *
 * @param image the image to sign; a tag is resolved to its digest first
 * @param signPlatforms also sign every platform manifest of an index
 * @param mode keyless or key (already chosen, see {@link #choose})
 * @param keyless where and as whom to sign keylessly (null in key mode)
 * @param key the signing key (null in keyless mode)
 * @param annotations added to the simple-signing payload's {@code optional} section
 * @param outputDir {@code target/slipway}: bundles go to {@code signatures/} below it
 * @param attachReferrers also attach bundles and attestations as OCI referrers
 * @param attestations what to attest (empty list: nothing)
 * @param registryAccess how the registry is reached: plain HTTP or not, and the timeouts
 * @param rekor key mode: the transparency log to record signatures in, or null (keyless always logs)
 */
public record SignConfig(
    ImageRef image,
    boolean signPlatforms,
    Mode mode,
    Keyless keyless,
    KeySigner key,
    Map<String, String> annotations,
    Path outputDir,
    boolean attachReferrers,
    List<Attestation> attestations,
    RegistryCredentials credentials,
    RegistryAccess registryAccess,
    TransparencyLog rekor) {

  public SignConfig {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    attestations = attestations == null ? List.of() : List.copyOf(attestations);
    registryAccess = registryAccess == null ? RegistryAccess.secure() : registryAccess;
  }

  /** With the default registry limits; {@code insecureRegistry}: the image's registry is reached over plain HTTP. */
  public SignConfig(ImageRef image, boolean signPlatforms, Mode mode, Keyless keyless, KeySigner key,
      Map<String, String> annotations, Path outputDir, boolean attachReferrers, List<Attestation> attestations,
      RegistryCredentials credentials, boolean insecureRegistry, TransparencyLog rekor) {
    this(image, signPlatforms, mode, keyless, key, annotations, outputDir, attachReferrers, attestations, credentials,
        insecureRegistry && image != null ? RegistryAccess.of(Set.of(image.registry())) : RegistryAccess.secure(),
        rekor);
  }

  /** Whether the image's registry is reached over plain HTTP. */
  public boolean insecureRegistry() {
    return image != null && registryAccess.isInsecure(image.registry());
  }

  public enum Mode {
    AUTO, KEYLESS, KEY
  }

  public enum Instance {
    PUBLIC_GOOD, STAGING, CUSTOM
  }

  /** Keyless signing: which Sigstore, and where the OIDC token comes from. */
  public record Keyless(Instance instance, Path trustedRoot, Path signingConfig, TokenSource token) {}

  /** Where the OIDC identity token comes from. {@code toString} never shows a token. */
  public sealed interface TokenSource {
    /** A token found through configuration (an environment variable, a file, a settings.xml server). */
    record Explicit(String token, String origin) implements TokenSource {
      @Override
      public String toString() {
        return "identity token from " + origin;
      }
    }

    /** The GitHub Actions ambient token (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, audience sigstore). */
    record GithubActions() implements TokenSource {
      @Override
      public String toString() {
        return "GitHub Actions OIDC token";
      }
    }
  }

  /** One in-toto statement to sign as a DSSE envelope and attach. */
  public record Attestation(String predicateType, byte[] predicateJson, String source) {}

  /**
   * Picks the OIDC token source: the token the configuration names ({@code explicit}: a file, a settings.xml server,
   * the deprecated parameter or the variable named by {@code image.sign.identityTokenEnv}), else the GitHub Actions
   * ambient token when its variables are set; null when there is none.
   */
  public static TokenSource tokenSource(TokenSource.Explicit explicit, Map<String, String> env) {
    if (explicit != null) {
      return explicit;
    }
    if (notBlank(env.get("ACTIONS_ID_TOKEN_REQUEST_URL")) && notBlank(env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))) {
      return new TokenSource.GithubActions();
    }
    return null;
  }

  /**
   * The effective mode: {@code key} when asked for or when a key is configured, {@code keyless} when asked for or
   * when an OIDC token is available. Returns null when neither is possible (the caller reports both ways).
   */
  public static Mode choose(Mode requested, boolean haveKey, boolean haveToken) {
    return switch (requested) {
      case KEY -> Mode.KEY;
      case KEYLESS -> Mode.KEYLESS;
      case AUTO -> haveKey ? Mode.KEY : haveToken ? Mode.KEYLESS : null;
    };
  }

  /**
   * {@link #choose} or a failure that names every way to sign: an OIDC token for keyless signing, a key for key
   * signing, and {@code image.sign.skip} for builds that must not sign.
   */
  public static Mode resolveMode(Mode requested, boolean haveKey, boolean haveToken) throws InvalidInputException {
    Mode mode = choose(requested, haveKey, haveToken);
    String tokenWays = "an OIDC identity token for keyless signing (GitHub Actions with 'permissions: id-token: write',"
        + " the SIGSTORE_ID_TOKEN environment variable or the one named by image.sign.identityTokenEnv, a file named by"
        + " image.sign.identityTokenFile, or a settings.xml server named by image.sign.identityTokenServer)";
    String keyWays = "a key for key signing (image.sign.key = an EC P-256 PEM file, a cosign.key, or "
        + "awskms:///<key ARN>)";
    if (mode == null) {
      throw new InvalidInputException("image:sign has nothing to sign with: give " + tokenWays + ", or " + keyWays
          + ". Set image.sign.skip=true for builds that must not sign.");
    }
    if (mode == Mode.KEYLESS && !haveToken) {
      throw new InvalidInputException("image.sign.mode=keyless but there is no OIDC token: give " + tokenWays
          + ", or use " + keyWays + " with image.sign.mode=key");
    }
    if (mode == Mode.KEY && !haveKey) {
      throw new InvalidInputException("image.sign.mode=key but image.sign.key is not set: give " + keyWays
          + ", or use " + tokenWays);
    }
    return mode;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
