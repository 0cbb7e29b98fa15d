package dev.slipway.testkit.sigstore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * An RFC 3161 timestamp authority over HTTP on 127.0.0.1 ({@code POST /api/v1/timestamp},
 * {@code application/timestamp-query} → {@code application/timestamp-reply}), signing with a certificate that has
 * the critical timeStamping extended key usage, as Sigstore's TSA does. BouncyCastle builds the tokens.
 */
final class FakeTsa implements AutoCloseable {
  private static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2");
  private final KeyPair keys;
  private final X509Certificate cert;
  private final List<X509Certificate> chain;
  private final HttpServer server;
  private final AtomicLong serial = new AtomicLong(1);

  FakeTsa(KeyPair keys, X509Certificate cert, List<X509Certificate> chain) throws IOException {
    this.keys = keys;
    this.cert = cert;
    this.chain = chain;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/timestamp", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] reply;
      try {
        TimeStampRequest request = new TimeStampRequest(ex.getRequestBody().readAllBytes());
        TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
            new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", keys.getPrivate(), cert),
            new JcaDigestCalculatorProviderBuilder().build().get(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                    org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
            POLICY);
        if (request.getCertReq()) {
          tokens.addCertificates(new JcaCertStore(chain));
        }
        TimeStampResponseGenerator responses = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED);
        TimeStampResponse response = responses.generate(request, BigInteger.valueOf(serial.getAndIncrement()),
            new Date());
        reply = response.getEncoded();
      } catch (Exception e) {
        byte[] msg = ("bad timestamp request: " + e).getBytes();
        ex.sendResponseHeaders(400, msg.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "application/timestamp-reply");
      ex.sendResponseHeaders(200, reply.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply);
      }
    }
  }
}
