package dev.slipway.image.sign;

import dev.sigstore.AlgorithmRegistry;
import dev.sigstore.KeylessSigner;
import dev.sigstore.SigningConfigProvider;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.oidc.client.GithubActionsOidcClient;
import dev.sigstore.oidc.client.OidcClient;
import dev.sigstore.oidc.client.OidcClients;
import dev.sigstore.oidc.client.OidcException;
import dev.sigstore.oidc.client.OidcToken;
import dev.sigstore.oidc.client.TokenStringOidcClient;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.trustroot.CertificateAuthority;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.tuf.SigstoreTufClient;
import dev.slipway.common.Redactor;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link KeylessBackend} through sigstore-java's {@code KeylessSigner}: the public-good or staging instance (trust
 * through TUF, which needs the network), or a private Sigstore given by a trusted root and a signing config file.
 */
public final class SigstoreJavaKeyless implements KeylessBackend {
  private final SignConfig.Keyless settings;
  private final Map<String, String> env;
  private final Redactor redactor;

  public SigstoreJavaKeyless(SignConfig.Keyless settings, Map<String, String> env, Redactor redactor) {
    this.settings = settings;
    this.env = env;
    this.redactor = redactor;
  }

  /** A signer builder for this instance, and the trusted root it uses (read once). */
  private record Setup(KeylessSigner.Builder builder, SigstoreTrustedRoot trustedRoot) {}

  private Setup setup() throws Exception {
    KeylessSigner.Builder builder = KeylessSigner.builder();
    TrustedRootProvider roots = switch (settings.instance()) {
      case PUBLIC_GOOD -> {
        SigstoreTufClient.Builder tuf = SigstoreTufClient.builder().usePublicGoodInstance();
        builder.sigstorePublicDefaults().signingConfigProvider(SigningConfigProvider.from(tuf));
        yield TrustedRootProvider.from(tuf);
      }
      case STAGING -> {
        SigstoreTufClient.Builder tuf = SigstoreTufClient.builder().useStagingInstance();
        builder.sigstoreStagingDefaults().signingConfigProvider(SigningConfigProvider.from(tuf));
        yield TrustedRootProvider.from(tuf);
      }
      case CUSTOM -> {
        builder.signingConfigProvider(SigningConfigProvider.from(settings.signingConfig()))
            .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256);
        yield TrustedRootProvider.from(settings.trustedRoot());
      }
    };
    // read once: the signer and the certificate chain for cosign's annotation use the same root
    SigstoreTrustedRoot trustedRoot = roots.get();
    builder.trustedRootProvider(() -> trustedRoot);
    builder.forceCredentialProviders(OidcClients.of(oidcClient()));
    return new Setup(builder, trustedRoot);
  }

  @Override
  public List<Signature> sign(List<byte[]> sha256Digests) throws SigningException {
    List<Bundle> bundles;
    SigstoreTrustedRoot trustedRoot;
    try {
      Setup setup = setup();
      trustedRoot = setup.trustedRoot();
      try (KeylessSigner signer = setup.builder().build()) {
        bundles = signer.sign(sha256Digests);
      }
    } catch (Exception e) {
      throw new SigningException("keyless signing against " + describe() + " failed: " + chain(e), e);
    }
    List<Signature> out = new ArrayList<>();
    for (Bundle bundle : bundles) {
      out.add(toSignature(bundle, trustedRoot));
    }
    return out;
  }

  @Override
  public List<Attestation> attest(List<byte[]> statements) throws SigningException {
    Setup setup;
    KeylessSigner signer;
    try {
      setup = setup();
      signer = setup.builder().enableRekorV2(true).build();
    } catch (dev.sigstore.trustroot.SigstoreConfigurationException e) {
      throw new AttestationsUnavailable(describe() + " offers no Rekor v2 log with a timestamp authority, which "
          + "sigstore-java's attest() needs (" + chain(e) + ")", e);
    } catch (Exception e) {
      throw new SigningException("keyless attestation against " + describe() + " failed: " + chain(e), e);
    }
    List<Attestation> out = new ArrayList<>();
    try (signer) {
      for (byte[] statement : statements) {
        Bundle bundle;
        try {
          bundle = signer.attest(asciiJson(statement));
        } catch (IllegalStateException e) {
          throw new AttestationsUnavailable(describe() + " offers no Rekor v2 log, which sigstore-java's attest() "
              + "needs (" + chain(e) + ")", e);
        } catch (Exception e) {
          throw new SigningException("keyless attestation against " + describe() + " failed: " + chain(e), e);
        }
        Bundle.DsseEnvelope env = bundle.getDsseEnvelope().orElseThrow();
        try {
          X509Certificate leaf = (X509Certificate) bundle.getCertPath().getCertificates().get(0);
          out.add(new Attestation(env.getPayloadType(), env.getPayload(), env.getSignature(), bundle.toJson(),
              new String(Certificates.toPemBytes(leaf), java.nio.charset.StandardCharsets.UTF_8),
              caChain(leaf, setup.trustedRoot()),
              bundle.getTimestamps().isEmpty() ? null : bundle.getTimestamps().get(0).getRfc3161Timestamp()));
        } catch (Exception e) {
          throw new SigningException("sigstore-java returned an attestation bundle Slipway cannot read: "
              + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /**
   * The statement with every non-ASCII character written as a JSON {@code \\uXXXX} escape: the same JSON value, in
   * bytes whose count equals its count of chars. sigstore-java 2.0.0 builds the DSSE pre-authentication encoding with
   * the payload's {@code String.length()} where the DSSE spec (and Rekor, cosign, sigstore-js) count UTF-8 bytes, so
   * a statement with any non-ASCII text (an SBOM naming a Debian maintainer, say) got a signature no verifier and no
   * Rekor v2 accepts. Outside strings JSON has no non-ASCII characters, so escaping every one is exact.
   */
  static String asciiJson(byte[] statement) {
    String text = new String(statement, java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 64).append(text, 0, i);
      }
      out.append(String.format("\\u%04x", (int) c));
    }
    return out == null ? text : out.toString();
  }

  private static String caChain(X509Certificate leaf, SigstoreTrustedRoot trustedRoot) throws Exception {
    for (CertificateAuthority ca : trustedRoot.getCAs()) {
      List<? extends Certificate> caCerts = ca.getCertPath().getCertificates();
      if (caCerts.isEmpty()) {
        continue;
      }
      try {
        leaf.verify(caCerts.get(0).getPublicKey());
      } catch (java.security.GeneralSecurityException notThisOne) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (Certificate c : caCerts) {
        sb.append(new String(Certificates.toPemBytes(c), java.nio.charset.StandardCharsets.UTF_8));
      }
      return sb.toString();
    }
    return "";
  }

  private String describe() {
    return switch (settings.instance()) {
      case PUBLIC_GOOD -> "the Sigstore public-good instance";
      case STAGING -> "the Sigstore staging instance";
      case CUSTOM -> "the Sigstore instance of " + settings.signingConfig();
    };
  }

  /** The exception chain's messages, redacted: sigstore-java's messages may quote the OIDC token. */
  private String chain(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 2000; t = t.getCause()) {
      if (!sb.isEmpty()) {
        sb.append(": ");
      }
      sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
    }
    return redactor.redact(sb.toString());
  }

  private OidcClient oidcClient() {
    SignConfig.TokenSource source = settings.token();
    if (source instanceof SignConfig.TokenSource.Explicit explicit) {
      return TokenStringOidcClient.from(explicit.token());
    }
    // GitHub Actions: read the request URL and bearer from our environment map, not the process's
    GithubActionsOidcClient github = GithubActionsOidcClient.builder().build();
    return new OidcClient() {
      @Override
      public OidcToken getIDToken(Map<String, String> ignored) throws OidcException {
        OidcToken token = github.getIDToken(env);
        redactor.add(token.getIdToken());
        return token;
      }

      @Override
      public boolean isEnabled(Map<String, String> ignored) {
        return true;
      }
    };
  }

  private static Signature toSignature(Bundle bundle, SigstoreTrustedRoot trustedRoot) throws SigningException {
    try {
      CertPath path = bundle.getCertPath();
      List<? extends Certificate> certs = path.getCertificates();
      X509Certificate leaf = (X509Certificate) certs.get(0);
      StringBuilder chain = new StringBuilder();
      for (int i = 1; i < certs.size(); i++) {
        chain.append(new String(Certificates.toPemBytes(certs.get(i)), java.nio.charset.StandardCharsets.UTF_8));
      }
      // sigstore-java trims the trusted CA chain off; cosign's chain annotation carries it
      if (chain.isEmpty()) {
        chain.append(caChain(leaf, trustedRoot));
      }
      RekorEntry entry = bundle.getEntries().get(0);
      TlogEntry tlog = new TlogEntry(entry.getBody(), entry.getIntegratedTime(), entry.getLogIndex(),
          entry.getLogID(), entry.getVerification().getSignedEntryTimestamp());
      byte[] signature = bundle.getMessageSignature().orElseThrow().getSignature();
      CertificateIdentity id = CertificateIdentity.of(leaf);
      return new Signature(signature,
          new String(Certificates.toPemBytes(leaf), java.nio.charset.StandardCharsets.UTF_8),
          chain.toString(), bundle.toJson(), tlog, id.subjectAlternativeName(), id.issuer());
    } catch (Exception e) {
      throw new SigningException("sigstore-java returned a bundle Slipway cannot read: " + e.getMessage(), e);
    }
  }
}
