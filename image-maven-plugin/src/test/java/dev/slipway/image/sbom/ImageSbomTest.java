package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSbomTest {
  static final Instant TS = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path tmp;

  List<String> amd64Status;
  List<String> arm64Status;
  String digest;
  Application app;

  @BeforeEach
  void image() throws Exception {
    List<String> slice = HostDpkg.slice(20);
    amd64Status = slice;
    // the arm64 image of the same base: same packages, arch-specific ones rebuilt for arm64
    arm64Status = new ArrayList<>();
    for (String s : slice.subList(0, 15)) {
      arm64Status.add(s.replace("\nArchitecture: amd64", "\nArchitecture: arm64"));
    }
    String osRelease = Files.readString(Path.of("/etc/os-release"));
    TestImage img = new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("var/lib/dpkg/status", HostDpkg.join(amd64Status)), appLayer())
        .platform("linux", "arm64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("var/lib/dpkg/status", HostDpkg.join(arm64Status)), appLayer());
    digest = img.writeLayout(tmp.resolve("layout"));

    Path jar = Files.writeString(tmp.resolve("hello-1.0.jar"), "jar bytes");
    Path dep = Files.writeString(tmp.resolve("dep.jar"), "dep bytes");
    MavenComponent project = new MavenComponent("com.example:hello:jar:1.0", "com.example", "hello", "1.0", "jar",
        null, null, jar, List.of(new MavenComponent.PomLicense("The Apache Software License, Version 2.0",
            "https://www.apache.org/licenses/LICENSE-2.0.txt")), "Hello", null);
    MavenComponent direct = new MavenComponent("org.example:lib:jar:2.1", "org.example", "lib", "2.1", "jar", null,
        "compile", dep, List.of(new MavenComponent.PomLicense("MIT License", null),
            new MavenComponent.PomLicense("Some Custom License", "https://example.org/lic")), null,
        "com.example:hello:jar:1.0");
    MavenComponent transitive = new MavenComponent("org.example:native:jar:linux-x86_64:3.0", "org.example",
        "native", "3.0", "jar", "linux-x86_64", "runtime", null, List.of(), null, "org.example:lib:jar:2.1");
    app = new Application(project, List.of(direct, transitive));
  }

  static TestImage.Layer appLayer() throws Exception {
    return new TestImage.Layer().file("app/libs/lib-2.1.jar", "dep bytes");
  }

  private ImageSbom.Result generate(EnumSet<SbomFormat> formats, Path out) throws Exception {
    return new ImageSbom(new OciLayoutSource(tmp.resolve("layout")), Log.silent()).generate(new SbomConfig(
        digest, "127.0.0.1:5000/team/hello", List.of("1.0"), () -> app, TS, formats, out, "hello-1.0", "0.1.0"));
  }

  @Test
  void cycloneDxDescribesEveryPlatformsOsPackagesAsDpkgQuerySeesThem() throws Exception {
    Tools.require("dpkg-query", "dpkg");
    ImageSbom.Result r = generate(EnumSet.of(SbomFormat.CYCLONEDX_JSON), tmp.resolve("out"));
    Path file = tmp.resolve("out/hello-1.0.cdx.json");
    assertThat(r.files()).extracting(ImageSbom.Written::file).containsExactly(file);
    byte[] bytes = Files.readAllBytes(file);
    assertThat(SchemaValidation.cycloneDxJson(bytes)).isEmpty();
    JsonNode bom = Json.mapper().readTree(bytes);

    assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(bom.path("metadata").path("timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
    JsonNode image = bom.path("metadata").path("component");
    assertThat(image.path("type").asText()).isEqualTo("container");
    assertThat(image.path("name").asText()).isEqualTo("127.0.0.1:5000/team/hello");
    assertThat(image.path("version").asText()).isEqualTo(digest);
    assertThat(image.path("components")).hasSize(2);
    assertThat(bom.path("metadata").path("tools").path("components").get(0).path("name").asText())
        .isEqualTo("image-maven-plugin");

    Map<String, TreeSet<String>> perPlatform = new TreeMap<>();
    for (JsonNode c : bom.path("components")) {
      String purl = c.path("purl").asText();
      if (!purl.startsWith("pkg:deb/")) {
        continue;
      }
      PackageURL p = new PackageURL(purl);
      // Trivy's source-package properties agree with Syft's upstream qualifier (or the package itself)
      Map<String, String> props = new TreeMap<>();
      c.path("properties").forEach(pr -> props.put(pr.path("name").asText(), pr.path("value").asText()));
      String upstream = p.getQualifiers().get("upstream");
      assertThat(props.get("aquasecurity:trivy:SrcName")).as(purl)
          .isEqualTo(upstream == null ? p.getName() : upstream.split("@")[0]);
      assertThat(props).containsKey("aquasecurity:trivy:SrcVersion");
      for (JsonNode prop : c.path("properties")) {
        if (prop.path("name").asText().equals("slipway:platform")) {
          perPlatform.computeIfAbsent(prop.path("value").asText(), k -> new TreeSet<>())
              .add(p.getName() + " " + p.getVersion() + " " + p.getQualifiers().get("arch"));
        }
      }
    }
    assertThat(perPlatform.get("linux/amd64"))
        .isEqualTo(HostDpkg.dpkgQueryInstalled(HostDpkg.join(amd64Status), tmp));
    assertThat(perPlatform.get("linux/arm64"))
        .isEqualTo(HostDpkg.dpkgQueryInstalled(HostDpkg.join(arm64Status), tmp));
    assertThat(r.osPackages()).isEqualTo(amd64Status.size() + arm64Status.size());
  }

  @Test
  void mavenComponentsCarryPurlsHashesLicensesAndTheGraph() throws Exception {
    generate(EnumSet.of(SbomFormat.CYCLONEDX_JSON), tmp.resolve("out"));
    JsonNode bom = Json.mapper().readTree(tmp.resolve("out/hello-1.0.cdx.json").toFile());
    Map<String, JsonNode> byPurl = new TreeMap<>();
    bom.path("components").forEach(c -> byPurl.put(c.path("purl").asText(), c));
    JsonNode hello = byPurl.get("pkg:maven/com.example/hello@1.0?type=jar");
    assertThat(hello.path("type").asText()).isEqualTo("application");
    assertThat(hello.path("hashes").get(0).path("content").asText())
        .isEqualTo(dev.slipway.common.registry.Digests.hex(
            dev.slipway.common.registry.Digests.sha256("jar bytes".getBytes())));
    assertThat(hello.path("licenses").get(0).path("license").path("id").asText()).isEqualTo("Apache-2.0");
    JsonNode lib = byPurl.get("pkg:maven/org.example/lib@2.1?type=jar");
    assertThat(lib.path("licenses").findValuesAsText("id")).containsExactly("MIT");
    assertThat(lib.path("licenses").findValuesAsText("name")).containsExactly("Some Custom License");
    assertThat(byPurl).containsKey("pkg:maven/org.example/native@3.0?classifier=linux-x86_64&type=jar");

    Map<String, List<String>> graph = new TreeMap<>();
    bom.path("dependencies").forEach(d -> graph.put(d.path("ref").asText(),
        d.path("dependsOn").findValuesAsText("ref").isEmpty()
            ? iter(d.path("dependsOn")) : d.path("dependsOn").findValuesAsText("ref")));
    assertThat(graph.get("pkg:maven/com.example/hello@1.0?type=jar"))
        .containsExactly("pkg:maven/org.example/lib@2.1?type=jar");
    assertThat(graph.get("pkg:maven/org.example/lib@2.1?type=jar"))
        .containsExactly("pkg:maven/org.example/native@3.0?classifier=linux-x86_64&type=jar");
    String platformRef = bom.path("metadata").path("component").path("components").get(0).path("bom-ref").asText();
    assertThat(graph.get(platformRef)).contains("pkg:maven/com.example/hello@1.0?type=jar");
  }

  private static List<String> iter(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void sameInputsGiveByteIdenticalDocuments() throws Exception {
    generate(EnumSet.allOf(SbomFormat.class), tmp.resolve("a"));
    generate(EnumSet.allOf(SbomFormat.class), tmp.resolve("b"));
    for (String name : List.of("hello-1.0.cdx.json", "hello-1.0.cdx.xml", "hello-1.0.spdx.json")) {
      assertThat(Files.readAllBytes(tmp.resolve("b").resolve(name)))
          .as(name).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(name)));
    }
    JsonNode bom = Json.mapper().readTree(tmp.resolve("a/hello-1.0.cdx.json").toFile());
    assertThat(bom.path("serialNumber").asText()).matches("urn:uuid:[0-9a-f-]{36}");
  }

  @Test
  void xmlAndSpdxAreSchemaValid() throws Exception {
    generate(EnumSet.of(SbomFormat.CYCLONEDX_XML, SbomFormat.SPDX_JSON), tmp.resolve("out"));
    assertThat(SchemaValidation.cycloneDxXml(Files.readAllBytes(tmp.resolve("out/hello-1.0.cdx.xml")))).isEmpty();
    JsonNode spdx = Json.mapper().readTree(tmp.resolve("out/hello-1.0.spdx.json").toFile());
    assertThat(SchemaValidation.spdx(spdx)).isEmpty();
    assertThat(spdx.path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
    assertThat(spdx.path("creationInfo").path("created").asText()).isEqualTo("2026-01-01T00:00:00Z");
    List<String> purls = spdx.path("packages").findValuesAsText("referenceLocator");
    assertThat(purls).contains("pkg:maven/org.example/lib@2.1?type=jar");
    assertThat(purls.stream().filter(p -> p.startsWith("pkg:deb/"))).isNotEmpty();
    assertThat(spdx.path("hasExtractedLicensingInfos").findValuesAsText("extractedText"))
        .contains("Some Custom License");
    Map<String, String> ids = new TreeMap<>();
    spdx.path("packages").forEach(p -> ids.put(p.path("SPDXID").asText(), p.path("name").asText()));
    List<String> rels = new ArrayList<>();
    spdx.path("relationships").forEach(r -> rels.add(ids.getOrDefault(r.path("spdxElementId").asText(),
        r.path("spdxElementId").asText()) + " " + r.path("relationshipType").asText() + " "
        + ids.get(r.path("relatedSpdxElement").asText())));
    assertThat(rels).contains("SPDXRef-DOCUMENT DESCRIBES 127.0.0.1:5000/team/hello",
        "com.example:hello DEPENDS_ON org.example:lib", "org.example:lib DEPENDS_ON org.example:native")
        .anyMatch(r -> r.startsWith("127.0.0.1:5000/team/hello CONTAINS "));
    JsonNode lib = null;
    for (JsonNode p : spdx.path("packages")) {
      if (p.path("name").asText().equals("org.example:lib")) {
        lib = p;
      }
    }
    assertThat(lib.path("licenseDeclared").asText()).isEqualTo("(MIT OR LicenseRef-Some-Custom-License)");
  }

  @Test
  void anSpdxDocumentMissingARequiredFieldIsRejectedByTheSchema() throws Exception {
    generate(EnumSet.of(SbomFormat.SPDX_JSON), tmp.resolve("out"));
    JsonNode spdx = Json.mapper().readTree(tmp.resolve("out/hello-1.0.spdx.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) spdx.path("packages").get(0)).remove("SPDXID");
    assertThat(SchemaValidation.spdx(spdx)).isNotEmpty();
  }
}
