package dev.slipway.image.sign;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Who a Fulcio certificate was issued to: its subject alternative name (an email or URI, e.g. a GitHub workflow
 * ref) and the OIDC issuer extension (1.3.6.1.4.1.57264.1.8, or the older raw 1.3.6.1.4.1.57264.1.1).
 */
public record CertificateIdentity(String subjectAlternativeName, String issuer) {
  static final String OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
  static final String OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

  public static CertificateIdentity of(X509Certificate cert) {
    return new CertificateIdentity(san(cert), issuer(cert));
  }

  private static String san(X509Certificate cert) {
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          int type = (Integer) name.get(0);
          if (type == 1 || type == 6) { // rfc822Name, uniformResourceIdentifier
            return String.valueOf(name.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return null;
    }
    return null;
  }

  private static String issuer(X509Certificate cert) {
    try {
      byte[] v2 = cert.getExtensionValue(OID_ISSUER_V2);
      if (v2 != null) {
        ASN1Primitive inner = ASN1Primitive.fromByteArray(
            org.bouncycastle.asn1.ASN1OctetString.getInstance(v2).getOctets());
        if (inner instanceof ASN1String s) {
          return s.getString();
        }
      }
      byte[] v1 = cert.getExtensionValue(OID_ISSUER_V1);
      if (v1 != null) {
        return new String(org.bouncycastle.asn1.ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8);
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }
}
