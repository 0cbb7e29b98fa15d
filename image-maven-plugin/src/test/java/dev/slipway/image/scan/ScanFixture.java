package dev.slipway.image.scan;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.image.sbom.ImageReader;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.image.sbom.ResolvedImage;
import dev.slipway.image.sbom.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real two-platform OCI layout in the shape image:build writes (index.json → one descriptor of the image index →
 * the platform manifests) and its image.json.
 */
final class ScanFixture {
  static final String REPOSITORY = "127.0.0.1:5000/team/hello";

  final Path layout;
  final BuiltImage image;

  ScanFixture(Path dir) throws Exception {
    layout = dir.resolve("layout");
    String osRelease = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.10.2\n";
    TestImage img = new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("lib/apk/db/installed", "P:musl\nV:1.1.22-r3\nA:x86_64\n"),
            new TestImage.Layer().file("app/app.jar", "jar"))
        .platform("linux", "arm64", null, new TestImage.Layer().file("etc/os-release", osRelease)
            .file("lib/apk/db/installed", "P:musl\nV:1.1.22-r3\nA:aarch64\n"),
            new TestImage.Layer().file("app/app.jar", "jar"));
    String digest = img.writeLayout(layout);
    // image:build's shape: index.json holds one descriptor of the image index, which is a blob
    byte[] index = java.nio.file.Files.readAllBytes(layout.resolve("index.json"));
    java.nio.file.Files.write(layout.resolve("blobs/sha256").resolve(digest.substring(7)), index);
    java.nio.file.Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"digest\":\""
        + digest + "\",\"size\":" + index.length
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
    ResolvedImage resolved = new ImageReader(new OciLayoutSource(layout)).read(digest);
    List<BuiltImage.Platform> platforms = new ArrayList<>();
    for (ResolvedImage.Platform p : resolved.platforms()) {
      platforms.add(new BuiltImage.Platform(p.os(), p.architecture(), p.manifestDigest(), p.manifestSize()));
    }
    image = new BuiltImage(1, REPOSITORY + "@" + digest, REPOSITORY, List.of("1.0"), digest, MediaTypes.OCI_INDEX,
        platforms, layout.toString(), false, new BuiltImage.Base("scratch", null), "2026-01-01T00:00:00Z");
  }

  String platformDigest(String arch) {
    return image.platforms().stream().filter(p -> p.architecture().equals(arch)).findFirst().orElseThrow().digest();
  }
}
