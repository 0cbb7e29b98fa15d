package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.git.GitInfo;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryException;
import dev.slipway.image.sign.AwsKmsKeySigner;
import dev.slipway.image.sign.ImageSigner;
import dev.slipway.image.sign.KeySigner;
import dev.slipway.image.sign.PemKeySigner;
import dev.slipway.image.sign.SignConfig;
import dev.slipway.image.sign.SignResult;
import dev.slipway.image.sign.SigningException;
import dev.slipway.image.sign.SigstoreJavaKeyless;
import dev.slipway.image.sign.Statements;
import dev.slipway.image.sign.RekorV1Client;
import dev.slipway.image.sign.TransparencyLog;
import java.net.URI;
import java.time.Duration;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Signs the pushed image by digest with Sigstore, in cosign's format: keyless (an OIDC identity token and Fulcio)
 * or with a key (an EC P-256 PEM file or an AWS KMS key). Writes the signature to the {@code sha256-<hex>.sig} tag,
 * the Sigstore bundle to {@code target/slipway/signatures/} and attaches it as an OCI referrer; it also attests the
 * CycloneDX SBOM and SLSA provenance (keyless only where the Sigstore has Rekor v2 and a timestamp authority).
 */
@Mojo(name = "sign", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class SignMojo extends AbstractImageMojo {

  /** Skip signing (for builds that must not sign). */
  @Parameter(property = "image.sign.skip", defaultValue = "false")
  boolean skip;

  /** The image to sign ({@code registry/repo:tag} or {@code @sha256:...}); default: the image of {@code image.json}. */
  @Parameter(property = "image.ref")
  String ref;

  /** The hand-over file of {@code image:build}, read when {@code image.ref} is not given. */
  @Parameter(property = "image.sign.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  /** Also sign every platform manifest of the index (the index digest is always signed). */
  @Parameter(property = "image.sign.platforms", defaultValue = "false")
  boolean signPlatforms;

  /** {@code auto} (a key if {@code image.sign.key} is set, else keyless if an OIDC token exists), {@code keyless} or {@code key}. */
  @Parameter(property = "image.sign.mode", defaultValue = "auto")
  String mode;

  /** Keyless: {@code public-good} (sigstore.dev) or {@code staging}; ignored when trustedRoot + signingConfig are set. */
  @Parameter(property = "image.sign.instance", defaultValue = "public-good")
  String instance;

  /** Keyless on a private Sigstore: its {@code trusted_root.json} (with {@code image.sign.signingConfig}). */
  @Parameter(property = "image.sign.trustedRoot")
  File trustedRoot;

  /** Keyless on a private Sigstore: its signing config (media type signingconfig v0.2, with {@code image.sign.trustedRoot}). */
  @Parameter(property = "image.sign.signingConfig")
  File signingConfig;

  /**
   * Deprecated: the OIDC identity token itself, which Maven prints with {@code -X}. Use
   * {@code image.sign.identityTokenEnv}, {@code image.sign.identityTokenFile} or {@code image.sign.identityTokenServer}.
   */
  @Deprecated
  @Parameter(property = "image.sign.identityToken")
  String identityToken;

  /** The environment variable holding an OIDC identity token (audience {@code sigstore}). */
  @Parameter(property = "image.sign.identityTokenEnv", defaultValue = "SIGSTORE_ID_TOKEN")
  String identityTokenEnv;

  /** A file holding an OIDC identity token (e.g. one a CI step wrote). */
  @Parameter(property = "image.sign.identityTokenFile")
  File identityTokenFile;

  /** A settings.xml server id whose password is an OIDC identity token (Maven-encrypted passwords work). */
  @Parameter(property = "image.sign.identityTokenServer")
  String identityTokenServer;

  /**
   * Key mode: a Rekor v1 transparency log to record signatures and attestations in, as cosign does by default
   * (e.g. {@code https://rekor.sigstore.dev}). Without it {@code cosign verify --key} needs
   * {@code --insecure-ignore-tlog=true}.
   */
  @Parameter(property = "image.sign.rekorUrl")
  String rekorUrl;

  /** Key mode: an EC P-256 PEM file, cosign's {@code cosign.key}, or {@code awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID}. */
  @Parameter(property = "image.sign.key")
  String key;

  /** The environment variable holding the password of an encrypted key file. */
  @Parameter(property = "image.sign.keyPasswordEnv", defaultValue = "SLIPWAY_SIGN_KEY_PASSWORD")
  String keyPasswordEnv;

  /** A settings.xml server id whose password is the key file's password (used when the variable is unset). */
  @Parameter(property = "image.sign.keyPasswordServer")
  String keyPasswordServer;

  /** AWS KMS endpoint override (e.g. a VPC endpoint); the region comes from the key ARN. */
  @Parameter(property = "image.sign.kmsEndpoint")
  String kmsEndpoint;

  /** Extra {@code KEY=value} annotations signed into the payload's {@code optional} section. */
  @Parameter(property = "image.sign.annotations")
  List<String> annotations;

  /** Also attach bundles and attestations as OCI referrers of the image. */
  @Parameter(property = "image.sign.referrers", defaultValue = "true")
  boolean referrers;

  /** Attest every {@code *.cdx.json} in this directory as a CycloneDX SBOM. */
  @Parameter(property = "image.sign.sbomDirectory", defaultValue = "${project.build.directory}/slipway/sbom")
  File sbomDirectory;

  /** Attest the SBOMs found in {@code image.sign.sbomDirectory}. */
  @Parameter(property = "image.sign.sbom", defaultValue = "true")
  boolean attestSbom;

  /** Attest SLSA provenance v1 (builder, git commit, base image, Maven coordinates, invocation). */
  @Parameter(property = "image.sign.provenance", defaultValue = "true")
  boolean attestProvenance;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:sign skipped (" + (skip ? "image.sign.skip" : "image.skip") + ")");
      return;
    }
    if (ranWithGoalLibraries()) {
      return;
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    Instant started = Instant.now();
    try {
      Map<String, String> env = System.getenv();
      SignConfig config = config(env, redactor, started);
      SigstoreJavaKeyless keyless = config.mode() == SignConfig.Mode.KEYLESS
          ? new SigstoreJavaKeyless(config.keyless(), env, redactor) : null;
      SignResult result = new ImageSigner(log, keyless).sign(config);
      log.info("Signed " + result.reference() + " (" + result.signatures().size() + " signature(s), "
          + result.attestations().size() + " attestation(s)) as " + result.signer());
    } catch (InvalidInputException e) {
      // no cause attached: a library's exception text further down is not guaranteed free of key material
      throw new MojoFailureException(redactor.redact(e.getMessage()));
    } catch (SigningException | RegistryException e) {
      throw new MojoExecutionException(redactor.redact(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException(redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  SignConfig config(Map<String, String> env, Redactor redactor, Instant started)
      throws InvalidInputException, IOException, MojoExecutionException {
    BuiltImage built = null;
    ImageRef image;
    if (ref != null && !ref.isBlank()) {
      image = ImageRef.parse(ref, "image.ref");
    } else {
      if (!imageJson.isFile()) {
        throw new InvalidInputException("image:sign has no image: set image.ref, or run image:build first (it writes "
            + imageJson + ")");
      }
      built = BuiltImage.read(imageJson.toPath());
      if (!built.pushed()) {
        throw new InvalidInputException(imageJson + ": /pushed is false: image:sign signs images in a registry "
            + "(set image.to for image:build, or image.ref here)");
      }
      image = ImageRef.parse(built.repository() + "@" + built.digest(), imageJson + " /reference");
    }

    SignConfig.TokenSource token = SignConfig.tokenSource(explicitToken(env, redactor), env);
    redactor.add(env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
    boolean haveKey = key != null && !key.isBlank();
    SignConfig.Mode requested = switch (mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> SignConfig.Mode.AUTO;
      case "keyless" -> SignConfig.Mode.KEYLESS;
      case "key" -> SignConfig.Mode.KEY;
      default -> throw new InvalidInputException("image.sign.mode = '" + mode + "': expected auto, keyless or key");
    };
    SignConfig.Mode chosen = SignConfig.resolveMode(requested, haveKey, token != null);

    SignConfig.Keyless keylessSettings = null;
    KeySigner signer = null;
    if (chosen == SignConfig.Mode.KEYLESS) {
      keylessSettings = new SignConfig.Keyless(instance(), path(trustedRoot), path(signingConfig), token);
    } else {
      signer = keySigner(env, redactor);
    }

    List<SignConfig.Attestation> attestations = new ArrayList<>();
    if (attestSbom && sbomDirectory != null && sbomDirectory.isDirectory()) {
      try (Stream<Path> files = Files.list(sbomDirectory.toPath())) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".cdx.json")).sorted().toList()) {
          attestations.add(new SignConfig.Attestation(Statements.CYCLONEDX, Files.readAllBytes(f),
              f.getFileName().toString()));
        }
      }
    }
    if (attestProvenance) {
      byte[] predicate = Json.mapper().writeValueAsBytes(Statements.provenance(provenance(built, env, started)));
      attestations.add(new SignConfig.Attestation(Statements.SLSA_PROVENANCE_V1, predicate, "provenance"));
    }

    String registry = image.registry();
    return new SignConfig(image, signPlatforms, chosen, keylessSettings, signer,
        BuildMojo.keyValues(annotations, "image.sign.annotations"), workDir.toPath(), referrers, attestations,
        registryCredentials(registry, redactor, new MavenLog(getLog()).redacting(redactor)), registryAccess(),
        chosen == SignConfig.Mode.KEY ? rekor() : null);
  }

  private TransparencyLog rekor() throws InvalidInputException {
    if (rekorUrl == null || rekorUrl.isBlank()) {
      return null;
    }
    try {
      URI uri = URI.create(rekorUrl.strip());
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("no http(s) host");
      }
      return new RekorV1Client(uri, Duration.ofSeconds(60));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("image.sign.rekorUrl = '" + rekorUrl + "' is not a URL (expected e.g. "
          + "https://rekor.sigstore.dev)");
    }
  }

  /**
   * The OIDC token named by configuration, first found: {@code image.sign.identityTokenFile},
   * {@code image.sign.identityTokenServer}, the deprecated {@code image.sign.identityToken} (with a warning), the
   * variable named by {@code image.sign.identityTokenEnv}. Every token found is added to the redactor.
   */
  SignConfig.TokenSource.Explicit explicitToken(Map<String, String> env, Redactor redactor)
      throws InvalidInputException {
    SignConfig.TokenSource.Explicit found = null;
    if (identityTokenFile != null) {
      try {
        String t = Files.readString(identityTokenFile.toPath()).strip();
        if (t.isEmpty()) {
          throw new InvalidInputException("image.sign.identityTokenFile: " + identityTokenFile + " is empty");
        }
        found = new SignConfig.TokenSource.Explicit(t, "image.sign.identityTokenFile " + identityTokenFile);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new InvalidInputException("image.sign.identityTokenFile: " + identityTokenFile + " does not exist");
      } catch (IOException e) {
        throw new InvalidInputException("image.sign.identityTokenFile: cannot read " + identityTokenFile + " ("
            + e.getClass().getSimpleName() + ")");
      }
    } else if (identityTokenServer != null && !identityTokenServer.isBlank()) {
      Server server = settings == null ? null : settings.getServer(identityTokenServer);
      if (server == null) {
        throw new InvalidInputException("image.sign.identityTokenServer = '" + identityTokenServer
            + "': no such <server> in settings.xml");
      }
      Server decrypted = MavenCredentials.decrypt(server, decrypter);
      if (decrypted.getPassword() == null || decrypted.getPassword().isBlank()) {
        throw new InvalidInputException("image.sign.identityTokenServer = '" + identityTokenServer
            + "': the server has no <password> (it holds the token)");
      }
      found = new SignConfig.TokenSource.Explicit(decrypted.getPassword().strip(),
          "settings.xml server " + identityTokenServer);
    } else if (identityToken != null && !identityToken.isBlank()) {
      getLog().warn("image.sign.identityToken is deprecated: Maven prints parameter values with -X. Pass the token "
          + "through the environment variable named by image.sign.identityTokenEnv (default SIGSTORE_ID_TOKEN), "
          + "a file (image.sign.identityTokenFile) or a settings.xml server (image.sign.identityTokenServer)");
      found = new SignConfig.TokenSource.Explicit(identityToken.strip(), "image.sign.identityToken (deprecated)");
    } else {
      String name = identityTokenEnv == null || identityTokenEnv.isBlank() ? "SIGSTORE_ID_TOKEN"
          : identityTokenEnv.strip();
      String fromEnv = env.get(name);
      if (fromEnv != null && !fromEnv.isBlank()) {
        found = new SignConfig.TokenSource.Explicit(fromEnv.strip(), name);
      }
    }
    if (found != null) {
      redactor.add(found.token());
    }
    // a deprecated parameter's value is redacted even when another source wins
    redactor.add(identityToken);
    return found;
  }

  private SignConfig.Instance instance() throws InvalidInputException {
    if (trustedRoot != null || signingConfig != null) {
      if (trustedRoot == null || signingConfig == null) {
        throw new InvalidInputException("a private Sigstore needs both image.sign.trustedRoot and "
            + "image.sign.signingConfig (only " + (trustedRoot != null ? "trustedRoot" : "signingConfig") + " is set)");
      }
      for (File f : List.of(trustedRoot, signingConfig)) {
        if (!f.isFile()) {
          throw new InvalidInputException((f == trustedRoot ? "image.sign.trustedRoot" : "image.sign.signingConfig")
              + ": " + f + " does not exist");
        }
      }
      return SignConfig.Instance.CUSTOM;
    }
    return switch (instance == null ? "public-good" : instance.strip().toLowerCase(Locale.ROOT)) {
      case "public-good", "public", "production" -> SignConfig.Instance.PUBLIC_GOOD;
      case "staging" -> SignConfig.Instance.STAGING;
      default -> throw new InvalidInputException("image.sign.instance = '" + instance
          + "': expected public-good or staging (or set image.sign.trustedRoot + image.sign.signingConfig)");
    };
  }

  private KeySigner keySigner(Map<String, String> env, Redactor redactor) throws InvalidInputException {
    String k = key.strip();
    if (AwsKmsKeySigner.isKmsUri(k)) {
      return AwsKmsKeySigner.create(k, kmsEndpoint, "image.sign.key");
    }
    char[] pass = null;
    String fromEnv = keyPasswordEnv == null ? null : env.get(keyPasswordEnv);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      redactor.add(fromEnv);
      pass = fromEnv.toCharArray();
    } else if (keyPasswordServer != null && !keyPasswordServer.isBlank()) {
      Server server = settings == null ? null : settings.getServer(keyPasswordServer);
      if (server == null) {
        throw new InvalidInputException("image.sign.keyPasswordServer = '" + keyPasswordServer
            + "': no such <server> in settings.xml");
      }
      Server decrypted = MavenCredentials.decrypt(server, decrypter);
      if (decrypted.getPassword() != null) {
        redactor.add(decrypted.getPassword());
        pass = decrypted.getPassword().toCharArray();
      }
    }
    Path file = project.getBasedir().toPath().resolve(k);
    return PemKeySigner.load(file, pass, "image.sign.key");
  }

  private Statements.Provenance provenance(BuiltImage built, Map<String, String> env, Instant started) {
    Map<String, String> internal = new LinkedHashMap<>();
    internal.put("java.version", System.getProperty("java.version"));
    internal.put("maven.version", session == null ? null : session.getSystemProperties().getProperty("maven.version"));
    return Statements.Provenance.of(GitInfo.read(project.getBasedir().toPath(), env), env, built,
        project.getGroupId(), project.getArtifactId(), project.getVersion(),
        session == null ? List.of() : session.getGoals(), internal, started, Instant.now(),
        SignMojo.class.getPackage().getImplementationVersion());
  }

  private static Path path(File f) {
    return f == null ? null : f.toPath();
  }
}
