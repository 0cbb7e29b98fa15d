package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.Tools;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SBOM of the test kit's Debian bookworm + JRE 17 base image (both platforms, built with mmdebstrap from Debian's
 * packages), checked against {@code dpkg-query --admindir} on each platform's own dpkg database: every installed
 * package is a component, every package whose source package differs carries the right {@code upstream} qualifier
 * and Trivy source properties, no other package carries one, and the JRE (a Debian package) is not catalogued a
 * second time from its release file.
 */
class JreBaseSbomTest {
  @TempDir Path tmp;

  @Test
  void everyPackageOfTheRealJreBaseHasItsSourceAsDpkgQueryDerivesIt() throws Exception {
    Tools.require("dpkg-query", "dpkg");
    JreBase base = JreBase.shared();
    ImageSbom.Result r = new ImageSbom(new OciLayoutSource(base.layout()), Log.silent()).generate(new SbomConfig(
        base.digest(), "127.0.0.1:5000/slipway/debian-jre", List.of(JreBase.TAG), null,
        Instant.parse("2026-01-01T00:00:00Z"), EnumSet.of(SbomFormat.CYCLONEDX_JSON), tmp, "jre", "0.1.0"));
    JsonNode bom = Json.mapper().readTree(tmp.resolve("jre.cdx.json").toFile());
    assertThat(SchemaValidation.cycloneDxJson(java.nio.file.Files.readAllBytes(tmp.resolve("jre.cdx.json"))))
        .isEmpty();

    int differing = 0;
    for (String platform : base.platforms()) {
      Map<String, HostDpkg.Source> truth = HostDpkg.dpkgQuerySources(base.dpkgAdminDir(platform));
      Map<String, JsonNode> ours = new TreeMap<>();
      for (JsonNode c : bom.path("components")) {
        if (!c.path("purl").asText().startsWith("pkg:deb/")) {
          continue;
        }
        for (JsonNode prop : c.path("properties")) {
          if (prop.path("name").asText().equals("slipway:platform") && prop.path("value").asText().equals(platform)) {
            PackageURL purl = new PackageURL(c.path("purl").asText());
            ours.put(purl.getName() + " " + purl.getQualifiers().get("arch"), c);
          }
        }
      }
      assertThat(ours.keySet()).as(platform).isEqualTo(truth.keySet());
      assertThat(truth).as(platform).containsKey("openjdk-17-jre-headless " + platform.substring(6));
      for (Map.Entry<String, HostDpkg.Source> e : truth.entrySet()) {
        HostDpkg.Source t = e.getValue();
        JsonNode c = ours.get(e.getKey());
        PackageURL purl = new PackageURL(c.path("purl").asText());
        assertThat(purl.getVersion()).as(e.getKey()).isEqualTo(t.version());
        assertThat(purl.getQualifiers()).as(e.getKey()).containsEntry("distro", "debian-12");
        String upstream = purl.getQualifiers().get("upstream");
        boolean nameDiffers = !t.sourceName().equals(t.name());
        boolean versionDiffers = !t.sourceVersion().equals(t.version());
        if (nameDiffers || versionDiffers) {
          differing++;
          assertThat(upstream).as(e.getKey())
              .isEqualTo(versionDiffers ? t.sourceName() + "@" + t.sourceVersion() : t.sourceName());
        } else {
          assertThat(upstream).as(e.getKey()).isNull();
        }
        Map<String, String> props = new TreeMap<>();
        c.path("properties").forEach(p -> props.put(p.path("name").asText(), p.path("value").asText()));
        assertThat(props.get("aquasecurity:trivy:SrcName")).as(e.getKey()).isEqualTo(t.sourceName());
        String release = props.get("aquasecurity:trivy:SrcRelease");
        String epoch = props.get("aquasecurity:trivy:SrcEpoch");
        assertThat((epoch == null ? "" : epoch + ":") + props.get("aquasecurity:trivy:SrcVersion")
            + (release == null ? "" : "-" + release)).as(e.getKey()).isEqualTo(t.sourceVersion());
      }
    }
    // Debian 12: libc6 from glibc, libssl3 from openssl, zlib1g from zlib, the JRE from openjdk-17, ...
    assertThat(differing).isGreaterThan(50);
    // the JRE's release file belongs to openjdk-17-jre-headless: no second, generic JVM component
    assertThat(bom.path("components").findValuesAsText("purl")).noneMatch(p -> p.startsWith("pkg:generic/"));
    assertThat(r.osPackages()).isPositive();
  }
}
