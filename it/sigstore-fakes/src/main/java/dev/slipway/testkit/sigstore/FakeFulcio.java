package dev.slipway.testkit.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.sigstore.fulcio.v2.CAGrpc;
import dev.sigstore.fulcio.v2.CertificateChain;
import dev.sigstore.fulcio.v2.CreateSigningCertificateRequest;
import dev.sigstore.fulcio.v2.SigningCertificate;
import dev.sigstore.fulcio.v2.SigningCertificateEmbeddedSCT;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * A Fulcio CA speaking Fulcio's v2 gRPC API over TLS on 127.0.0.1. It checks the OIDC token's audience and expiry
 * (not its signature: tests use unsigned tokens) and the proof of possession, then issues a short-lived code-signing
 * certificate for the token's identity with the issuer extensions Fulcio sets and an SCT from a fake CT log embedded
 * in it, exactly as a real Fulcio with a CT log does.
 */
final class FakeFulcio implements AutoCloseable {
  static final ASN1ObjectIdentifier OID_ISSUER_V1 = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.1");
  static final ASN1ObjectIdentifier OID_ISSUER_V2 = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.8");
  static final ASN1ObjectIdentifier OID_SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyPair caKeys;
  private final X509Certificate caCert;
  private final KeyPair ctKeys;
  private final Duration certLifetime;
  private final Server server;
  private final List<String> issuedIdentities = new CopyOnWriteArrayList<>();

  FakeFulcio(KeyPair caKeys, X509Certificate caCert, KeyPair ctKeys, KeyPair tlsKeys, X509Certificate tlsCert,
      Duration certLifetime) throws IOException {
    this.caKeys = caKeys;
    this.caCert = caCert;
    this.ctKeys = ctKeys;
    this.certLifetime = certLifetime;
    TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(
        new ByteArrayInputStream(Pki.pem(tlsCert).getBytes(StandardCharsets.US_ASCII)),
        new ByteArrayInputStream(Pki.pem(tlsKeys.getPrivate()).getBytes(StandardCharsets.US_ASCII)));
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), tls.build())
        .addService(new Service())
        .build()
        .start();
  }

  int port() {
    return server.getPort();
  }

  /** The identities certificates were issued for, in order. */
  List<String> issuedIdentities() {
    return List.copyOf(issuedIdentities);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Service extends CAGrpc.CAImplBase {
    @Override
    public void createSigningCertificate(CreateSigningCertificateRequest request,
        StreamObserver<SigningCertificate> response) {
      try {
        X509Certificate leaf = issue(request);
        CertificateChain chain = CertificateChain.newBuilder()
            .addCertificates(Pki.pem(leaf))
            .addCertificates(Pki.pem(caCert))
            .build();
        response.onNext(SigningCertificate.newBuilder()
            .setSignedCertificateEmbeddedSct(SigningCertificateEmbeddedSCT.newBuilder().setChain(chain))
            .build());
        response.onCompleted();
      } catch (RequestException e) {
        response.onError(e.status.withDescription(e.getMessage()).asRuntimeException());
      } catch (Exception e) {
        response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    }
  }

  private static final class RequestException extends Exception {
    final Status status;

    RequestException(Status status, String message) {
      super(message);
      this.status = status;
    }
  }

  private X509Certificate issue(CreateSigningCertificateRequest request) throws Exception {
    String token = request.getCredentials().getOidcIdentityToken();
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new RequestException(Status.UNAUTHENTICATED, "the identity token is not a JWT");
    }
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    String issuer = claims.path("iss").asText("");
    String email = claims.path("email").asText(null);
    String subject = email != null ? email : claims.path("sub").asText("");
    JsonNode aud = claims.path("aud");
    boolean sigstoreAudience = aud.isArray()
        ? java.util.stream.StreamSupport.stream(aud.spliterator(), false).anyMatch(a -> "sigstore".equals(a.asText()))
        : "sigstore".equals(aud.asText());
    if (issuer.isEmpty() || subject.isEmpty()) {
      throw new RequestException(Status.UNAUTHENTICATED, "the identity token has no iss or sub");
    }
    if (!sigstoreAudience) {
      throw new RequestException(Status.UNAUTHENTICATED, "the identity token's audience is not 'sigstore'");
    }
    if (claims.has("exp") && claims.get("exp").asLong() < Instant.now().getEpochSecond()) {
      throw new RequestException(Status.UNAUTHENTICATED, "the identity token has expired");
    }

    String keyPem = request.getPublicKeyRequest().getPublicKey().getContent();
    PublicKey key = parsePublicKey(keyPem);
    ByteString proof = request.getPublicKeyRequest().getProofOfPossession();
    Signature pop = Signature.getInstance("SHA256withECDSA");
    pop.initVerify(key);
    pop.update(subject.getBytes(StandardCharsets.UTF_8));
    if (!pop.verify(proof.toByteArray())) {
      throw new RequestException(Status.INVALID_ARGUMENT, "the proof of possession does not verify");
    }

    Instant notBefore = Instant.now().minusSeconds(60);
    Instant notAfter = notBefore.plus(certLifetime);
    java.math.BigInteger serial = Pki.serial();
    GeneralName san = subject.contains("://")
        ? new GeneralName(GeneralName.uniformResourceIdentifier, subject)
        : new GeneralName(GeneralName.rfc822Name, subject);

    // The precertificate's TBS is the final TBS without the SCT extension; the SCT signs it.
    X509Certificate precert = Pki.sign(leafBuilder(serial, notBefore, notAfter, key, san, issuer), caKeys.getPrivate());
    byte[] precertTbs = precert.getTBSCertificate();
    byte[] sctList = sctList(precertTbs, Instant.now());
    X509v3CertificateBuilder finalBuilder = leafBuilder(serial, notBefore, notAfter, key, san, issuer);
    finalBuilder.addExtension(new Extension(OID_SCT_LIST, false, new DEROctetString(sctList).getEncoded()));
    X509Certificate leaf = Pki.sign(finalBuilder, caKeys.getPrivate());
    issuedIdentities.add(subject);
    return leaf;
  }

  private X509v3CertificateBuilder leafBuilder(java.math.BigInteger serial, Instant notBefore, Instant notAfter,
      PublicKey key, GeneralName san, String issuer) throws Exception {
    X509CertificateHolder ca = new JcaX509CertificateHolder(caCert);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.getSubject(), serial, Date.from(notBefore),
        Date.from(notAfter), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), key);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
    b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(san));
    b.addExtension(new Extension(OID_ISSUER_V1, false, issuer.getBytes(StandardCharsets.UTF_8)));
    b.addExtension(new Extension(OID_ISSUER_V2, false, new DERUTF8String(issuer).getEncoded()));
    return b;
  }

  /** A SignedCertificateTimestampList (RFC 6962 §3.3) holding one SCT over the precertificate. */
  private byte[] sctList(byte[] precertTbs, Instant when) {
    byte[] logId = Pki.sha256(ctKeys.getPublic().getEncoded());
    byte[] issuerKeyHash = Pki.sha256(caCert.getPublicKey().getEncoded());
    long timestamp = when.toEpochMilli();

    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.write(0); // sct_version v1
    signed.write(0); // signature_type certificate_timestamp
    Pki.uint(signed, 8, timestamp);
    Pki.uint(signed, 2, 1); // entry_type precert_entry
    signed.writeBytes(issuerKeyHash);
    Pki.vector(signed, 3, precertTbs);
    Pki.uint(signed, 2, 0); // no extensions
    byte[] signature = Pki.signSha256Ecdsa(ctKeys.getPrivate(), signed.toByteArray());

    ByteArrayOutputStream sct = new ByteArrayOutputStream();
    sct.write(0);
    sct.writeBytes(logId);
    Pki.uint(sct, 8, timestamp);
    Pki.uint(sct, 2, 0);
    sct.write(4); // hash sha256
    sct.write(3); // signature ecdsa
    Pki.vector(sct, 2, signature);

    ByteArrayOutputStream one = new ByteArrayOutputStream();
    Pki.vector(one, 2, sct.toByteArray());
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    Pki.vector(list, 2, one.toByteArray());
    return list.toByteArray();
  }

  private static PublicKey parsePublicKey(String pem) throws Exception {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }
}
