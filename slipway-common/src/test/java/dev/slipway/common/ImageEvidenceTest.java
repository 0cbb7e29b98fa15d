package dev.slipway.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.image.ImageEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tolerant reader of verified.json and scan.json: digest and verdict, whatever else the files carry. */
class ImageEvidenceTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  @TempDir Path dir;

  private Path file(String name, String json) throws Exception {
    return Files.writeString(dir.resolve(name), json);
  }

  @Test
  void todaysVerifiedJsonHasNoVerdictAndPassesBecauseItIsOnlyWrittenOnSuccess() throws Exception {
    // the fields image:verify writes today (image-maven-plugin site, sign.md)
    ImageEvidence e = ImageEvidence.readVerified(file("verified.json", "{\"schemaVersion\":1,\"reference\":"
        + "\"r/app@" + A + "\",\"repository\":\"r/app\",\"digest\":\"" + A + "\",\"mode\":\"keyless\","
        + "\"identity\":\"https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main\",\"future\":{\"x\":1}}"));
    assertThat(e.verdict()).isEqualTo(ImageEvidence.Verdict.PASS);
    assertThat(e.vouchesFor(A)).isTrue();
    assertThat(e.vouchesFor(B)).isFalse();
    assertThat(e.problemWith(B)).contains("is about " + A + ", not the deployed " + B);
    assertThat(ImageEvidence.readVerified(file("v2.json", "{\"digest\":\"" + A + "\",\"verdict\":\"FAILED\"}"))
        .vouchesFor(A)).isFalse();
  }

  @Test
  void scanJsonNeedsAnExplicitVerdict() throws Exception {
    assertThat(ImageEvidence.readScan(file("s1.json", "{\"image\":{\"digest\":\"" + A + "\"},\"verdict\":\"PASS\"}"))
        .vouchesFor(A)).isTrue();
    assertThat(ImageEvidence.readScan(file("s2.json", "{\"image\":{\"reference\":\"r/app@" + A + "\"},"
        + "\"policy\":{\"passed\":false,\"reason\":\"2 CRITICAL\"}}")).problemWith(A))
        .contains("verdict FAIL").contains("2 CRITICAL");
    assertThat(ImageEvidence.readScan(file("s3.json", "{\"image\":{\"digest\":\"" + A + "\"}}")).verdict())
        .isEqualTo(ImageEvidence.Verdict.UNKNOWN);
    assertThat(ImageEvidence.readScan(dir.resolve("absent.json")).problemWith(A))
        .contains("not found (run image:scan on this image first)");
  }

  @Test
  void aMalformedFileNamesFileAndPosition() throws Exception {
    Path bad = file("bad.json", "{\n  \"digest\": \"" + A + "\",\n  oops\n}");
    assertThatThrownBy(() -> ImageEvidence.readVerified(bad)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(bad + ":3:");
    assertThatThrownBy(() -> ImageEvidence.readVerified(file("d.json", "{\"digest\":\"sha256:xyz\"}")))
        .hasMessageContaining("at /digest: 'sha256:xyz' is not sha256:<64 hex>");
  }
}
