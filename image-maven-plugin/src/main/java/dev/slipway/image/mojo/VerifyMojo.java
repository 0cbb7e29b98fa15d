package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryException;
import dev.slipway.image.sign.ImageVerifier;
import dev.slipway.image.sign.PublicKeys;
import dev.slipway.image.sign.SignConfig;
import dev.slipway.image.sign.SigningException;
import dev.slipway.image.sign.Statements;
import dev.slipway.image.sign.VerificationException;
import dev.slipway.image.sign.VerifyConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Verifies that an image digest is signed by the expected identity (keyless: certificate identity, exact or regex,
 * and OIDC issuer) or key, and optionally that attestations of given predicate types exist. Fails with the reason
 * (no signature, wrong identity, digest mismatch, bad chain, bad signature, missing attestation, missing tlog entry)
 * and writes {@code target/slipway/verified.json} either way (verdict PASS or FAIL, and the digest) for the deploy
 * plugin. Reads cosign v3 bundle referrers (through the OCI referrers API, else the {@code sha256-<hex>} tag), cosign's
 * {@code .sig} and {@code .att} tags, and bundles attached by other Sigstore tools. Runs without a project:
 * {@code mvn dev.slipway:image-maven-plugin:verify -Dimage.ref=...}.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractImageMojo {

  /** Skip verification. */
  @Parameter(property = "image.verify.skip", defaultValue = "false")
  boolean skip;

  /** The image to verify (tag or digest); default: the image of {@code image.json}. */
  @Parameter(property = "image.ref")
  String ref;

  /** The hand-over file of {@code image:build}, read when {@code image.ref} is not given. */
  @Parameter(property = "image.verify.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  /** Keyless: the exact certificate identity, e.g. {@code https://github.com/ORG/REPO/.github/workflows/release.yml@refs/heads/main}. */
  @Parameter(property = "image.verify.identity")
  String identity;

  /** Keyless: a regular expression the whole certificate identity must match (instead of {@code identity}). */
  @Parameter(property = "image.verify.identityRegex")
  String identityRegex;

  /** Keyless: the OIDC issuer, e.g. {@code https://token.actions.githubusercontent.com}. */
  @Parameter(property = "image.verify.issuer")
  String issuer;

  /** Key mode: the signer's public key, a PEM file ({@code -----BEGIN PUBLIC KEY-----}, e.g. cosign's {@code cosign.pub}). */
  @Parameter(property = "image.verify.publicKey")
  File publicKey;

  /** Keyless: {@code public-good} or {@code staging} (ignored with {@code image.verify.trustedRoot}). */
  @Parameter(property = "image.verify.instance", defaultValue = "public-good")
  String instance;

  /**
   * A private Sigstore's {@code trusted_root.json}: keyless, the whole trust; key mode, the Rekor keys that
   * transparency log entries are checked against.
   */
  @Parameter(property = "image.verify.trustedRoot")
  File trustedRoot;

  /**
   * Key mode: refuse a signature or attestation without a transparency log entry verified against
   * {@code image.verify.trustedRoot}, as {@code cosign verify --key} does unless {@code --insecure-ignore-tlog}.
   * (Keyless signatures always need their log entry.)
   */
  @Parameter(property = "image.verify.requireTlog", defaultValue = "false")
  boolean requireTlog;

  /**
   * Attestation predicate types that must exist and verify: URIs, or {@code cyclonedx} / {@code slsa-provenance}.
   */
  @Parameter(property = "image.verify.predicateTypes")
  List<String> predicateTypes;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:verify skipped (" + (skip ? "image.verify.skip" : "image.skip") + ")");
      return;
    }
    if (ranWithGoalLibraries()) {
      return;
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    try {
      new ImageVerifier(log).verify(config(redactor));
    } catch (InvalidInputException | VerificationException e) {
      throw new MojoFailureException(redactor.redact(e.getMessage()));
    } catch (SigningException | RegistryException e) {
      throw new MojoExecutionException(redactor.redact(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException(redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  VerifyConfig config(Redactor redactor) throws InvalidInputException {
    ImageRef image;
    if (ref != null && !ref.isBlank()) {
      image = ImageRef.parse(ref, "image.ref");
    } else if (imageJson != null && imageJson.isFile()) {
      BuiltImage built = BuiltImage.read(imageJson.toPath());
      image = ImageRef.parse(built.repository() + "@" + built.digest(), imageJson + " /reference");
    } else {
      throw new InvalidInputException("image:verify has no image: set image.ref (e.g. -Dimage.ref=registry/app@sha256:…)"
          + " or run image:build first");
    }
    boolean keyless = identity != null || identityRegex != null || issuer != null;
    VerifyConfig.Policy policy;
    if (publicKey != null && keyless) {
      throw new InvalidInputException("give either image.verify.publicKey (key signatures) or image.verify.identity/"
          + "identityRegex + image.verify.issuer (keyless), not both");
    }
    if (trustedRoot != null && !trustedRoot.isFile()) {
      throw new InvalidInputException("image.verify.trustedRoot: " + trustedRoot + " does not exist");
    }
    if (publicKey != null) {
      if (requireTlog && trustedRoot == null) {
        throw new InvalidInputException("image.verify.requireTlog needs image.verify.trustedRoot: the trusted root "
            + "whose Rekor keys the transparency log entries are checked against");
      }
      policy = new VerifyConfig.Key(PublicKeys.load(publicKey.toPath(), "image.verify.publicKey"),
          publicKey.getName(), trustedRoot == null ? null : trustedRoot.toPath(), requireTlog);
    } else {
      if ((identity == null) == (identityRegex == null) || issuer == null) {
        throw new InvalidInputException("image:verify needs who must have signed: image.verify.identity (exact) or "
            + "image.verify.identityRegex, plus image.verify.issuer (e.g. https://token.actions.githubusercontent.com);"
            + " or image.verify.publicKey for key signatures");
      }
      if (identityRegex != null) {
        try {
          Pattern.compile(identityRegex);
        } catch (PatternSyntaxException e) {
          throw new InvalidInputException("image.verify.identityRegex = '" + identityRegex
              + "' is not a valid regular expression: " + e.getDescription());
        }
      }
      SignConfig.Instance inst = switch (instance == null ? "public-good" : instance.strip().toLowerCase(Locale.ROOT)) {
        case "public-good", "public", "production" -> SignConfig.Instance.PUBLIC_GOOD;
        case "staging" -> SignConfig.Instance.STAGING;
        default -> throw new InvalidInputException("image.verify.instance = '" + instance
            + "': expected public-good or staging (or set image.verify.trustedRoot)");
      };
      policy = new VerifyConfig.Keyless(identity, identityRegex, issuer,
          trustedRoot != null ? SignConfig.Instance.CUSTOM : inst, trustedRoot == null ? null : trustedRoot.toPath());
    }
    List<String> predicates = new ArrayList<>();
    for (String p : BuildMojo.split(predicateTypes)) {
      predicates.add(switch (p.toLowerCase(Locale.ROOT)) {
        case "cyclonedx", "sbom" -> Statements.CYCLONEDX;
        case "slsa-provenance", "provenance", "slsa" -> Statements.SLSA_PROVENANCE_V1;
        default -> {
          if (!p.contains("://")) {
            throw new InvalidInputException("image.verify.predicateTypes: '" + p + "' is neither a predicate type URI"
                + " nor one of cyclonedx, slsa-provenance");
          }
          yield p;
        }
      });
    }
    String registry = image.registry();
    // without a POM Maven leaves ${project.build.directory} uninterpolated: use ./target/slipway
    Path out = workDir.getPath().contains("${")
        ? Path.of(session.getExecutionRootDirectory(), "target", "slipway") : workDir.toPath();
    return new VerifyConfig(image, policy, predicates, out,
        registryCredentials(registry, redactor, new MavenLog(getLog()).redacting(redactor)),
        registryAccess());
  }
}
