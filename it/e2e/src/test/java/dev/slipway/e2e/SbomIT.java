package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.sbom.TestImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image:sbom} on the example service in forked Maven builds: the Maven side against the anchor
 * (cyclonedx-maven-plugin 2.9.3 makeBom on the same build), and the OS side plus registry attachment on an image
 * built on a Debian-like base in the local registry.
 */
class SbomIT {
  static final String DEPENDENCIES = """
      <dependency>
        <groupId>com.fasterxml.jackson.core</groupId>
        <artifactId>jackson-databind</artifactId>
        <version>2.19.2</version>
      </dependency>
      <dependency>
        <groupId>org.apache.commons</groupId>
        <artifactId>commons-compress</artifactId>
        <version>1.28.0</version>
        <scope>runtime</scope>
      </dependency>
  """;

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path dir;

  static Path exampleWithDependencies(Path dir) throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    Path pom = project.resolve("pom.xml");
    // the example's own test-scoped jackson-databind (its image test reads image.json) would override the runtime
    // one declared here: Maven keeps the last of two declarations
    String text = Files.readString(pom).replaceFirst(
        "\\s*<dependency>\\s*<groupId>com\\.fasterxml\\.jackson\\.core</groupId>\\s*<artifactId>jackson-databind</artifactId>"
        + "\\s*<version>[^<]+</version>\\s*<scope>test</scope>\\s*</dependency>", "");
    Files.writeString(pom, text.replaceFirst("<dependencies>\\s*\\n", "<dependencies>\n" + DEPENDENCIES));
    return project;
  }

  /** makeBom's JSON output: {@code bom.json} in older releases, {@code <artifactId>-<version>-cyclonedx.json} later. */
  static Path makeBomJson(Path target) throws Exception {
    try (var files = Files.list(target)) {
      return files.filter(f -> f.getFileName().toString().equals("bom.json")
          || f.getFileName().toString().endsWith("cyclonedx.json")).findFirst()
          .orElseThrow(() -> new AssertionError("makeBom wrote no JSON BOM in " + target));
    }
  }

  static Map<String, JsonNode> mavenComponents(JsonNode bom) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode c : bom.path("components")) {
      String purl = c.path("purl").asText();
      if (purl.startsWith("pkg:maven/") && !"excluded".equals(c.path("scope").asText())
          && !"optional".equals(c.path("scope").asText())) {
        out.put(purl, c);
      }
    }
    return out;
  }

  static String sha256(JsonNode component) {
    for (JsonNode h : component.path("hashes")) {
      if (h.path("alg").asText().equals("SHA-256")) {
        return h.path("content").asText();
      }
    }
    return null;
  }

  static Set<String> mavenEdges(JsonNode bom) {
    Set<String> edges = new TreeSet<>();
    for (JsonNode d : bom.path("dependencies")) {
      String from = d.path("ref").asText();
      if (!from.startsWith("pkg:maven/")) {
        continue;
      }
      for (JsonNode to : d.path("dependsOn")) {
        edges.add(from + " -> " + to.asText());
      }
    }
    return edges;
  }

  @Test
  void everyRuntimeComponentOfMakeBomIsInOursWithTheSamePurlAndHash() throws Exception {
    Path project = exampleWithDependencies(dir);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests",
        "-Dimage.sbom.layerCacheDirectory=" + dir.resolve("layer-cache"),
        "org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeBom", "-Dcyclonedx.skipNotDeployed=false",
        "-Dimage.sbom.formats=cyclonedx,spdx").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();

    JsonNode anchor = Json.mapper().readTree(makeBomJson(project.resolve("target")).toFile());
    Path ours = project.resolve("target/slipway/sbom/hello-service-1.0.0-SNAPSHOT.cdx.json");
    JsonNode bom = Json.mapper().readTree(ours.toFile());

    Map<String, JsonNode> theirs = mavenComponents(anchor);
    Map<String, JsonNode> mine = mavenComponents(bom);
    String app = anchor.path("metadata").path("component").path("purl").asText();
    assertThat(mine).containsKey(app);
    mine.remove(app);
    assertThat(theirs.keySet()).hasSizeGreaterThanOrEqualTo(5); // jackson x3, commons-compress, -io, -lang3, ...
    assertThat(mine.keySet()).isEqualTo(theirs.keySet());
    for (String purl : theirs.keySet()) {
      assertThat(sha256(mine.get(purl))).as(purl).isNotNull().isEqualTo(sha256(theirs.get(purl)));
    }
    assertThat(mavenEdges(bom)).isEqualTo(mavenEdges(anchor));
    assertThat(mine.get("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.19.2?type=jar")
        .path("licenses").findValuesAsText("id")).containsExactly("Apache-2.0");

    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    assertThat(bom.path("metadata").path("component").path("version").asText()).isEqualTo(image.digest());
    assertThat(bom.path("metadata").path("component").path("components")).hasSize(2);
    assertThat(Files.exists(project.resolve("target/slipway/sbom/hello-service-1.0.0-SNAPSHOT.spdx.json")))
        .isTrue();
    assertThat(r.log()).contains("SBOM: 0 OS packages");
  }

  @Test
  void pushedImageOnADebianBaseGetsItsSbomAttachedReadableByDigest() throws Exception {
    String status = """
        Package: base-files
        Status: install ok installed
        Priority: required
        Section: admin
        Maintainer: Santiago Vila <sanvila@debian.org>
        Architecture: %1$s
        Multi-Arch: foreign
        Version: 12.4+deb12u5
        Description: Debian base system miscellaneous files

        Package: tzdata
        Status: install ok installed
        Architecture: all
        Version: 2024a-0+deb12u1
        Description: time zone and daylight-saving time data

        Package: libc6
        Status: install ok installed
        Architecture: %1$s
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u7
        Description: GNU C Library: Shared libraries
        """;
    String osRelease = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";
    RegistryClient base = new RegistryClient(registry.hostPort(), "base/debianish", null, true, Log.silent());
    new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("var/lib/dpkg/status", status.formatted("amd64")))
        .platform("linux", "arm64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("var/lib/dpkg/status", status.formatted("arm64")))
        .push(base, "12");

    Path project = exampleWithDependencies(dir);
    // verify: image:check runs too, reading the pushed image from the registry (no layout when pushing)
    MavenRun.Result r = MavenRun.in(project).args("verify", "-DskipTests", "-Dperf.skip",
        "-Dimage.sbom.layerCacheDirectory=" + dir.resolve("layer-cache"),
        "-Dimage.from=" + registry.hostPort() + "/base/debianish:12",
        "-Dimage.to=" + registry.hostPort() + "/hello-service", "-Dimage.tags=sbom",
        "-Dimage.insecureRegistries=" + registry.hostPort()).run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    assertThat(image.pushed()).isTrue();
    Path file = project.resolve("target/slipway/sbom/hello-service-1.0.0-SNAPSHOT.cdx.json");
    JsonNode bom = Json.mapper().readTree(file.toFile());
    List<String> purls = new ArrayList<>();
    bom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
    assertThat(purls).contains(
        "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
        "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=arm64&distro=debian-12",
        "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12",
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=arm64&distro=debian-12&upstream=glibc");
    assertThat(r.log()).contains("SBOM: 6 OS packages").contains("[PASS] nonRoot linux/arm64")
        .contains("[WARN] basePinned: base " + registry.hostPort() + "/base/debianish:12 is referenced by tag");

    // read back through the registry API: the referrers tag of the image digest lists the SBOM artifact
    RegistryClient client = new RegistryClient(registry.hostPort(), "hello-service", null, true, Log.silent());
    List<Referrers.Referrer> refs = new Referrers(client, Log.silent())
        .list(image.digest(), "application/vnd.cyclonedx+json");
    assertThat(refs).hasSize(1);
    JsonNode artifact = client.getManifest(refs.get(0).digest()).json();
    assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(image.digest());
    assertThat(artifact.path("artifactType").asText()).isEqualTo("application/vnd.cyclonedx+json");
    String blob = artifact.path("layers").get(0).path("digest").asText();
    assertThat(client.getBlob(blob)).isEqualTo(Files.readAllBytes(file));
    // and by an independent client
    JsonNode viaSkopeo = new Skopeo(registry)
        .inspectRawJson("docker://" + registry.hostPort() + "/hello-service@" + refs.get(0).digest());
    assertThat(viaSkopeo.path("subject").path("digest").asText()).isEqualTo(image.digest());
  }
}
