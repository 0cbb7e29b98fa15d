package dev.slipway.image.sbom;

import dev.slipway.common.OutputTimestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.registry.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class LayerFilesTest {
  static byte[] gz(TestImage.Layer layer) throws Exception {
    return layer.gzip();
  }

  static void apply(LayerFiles fs, byte[] layer) throws Exception {
    fs.apply(new ByteArrayInputStream(layer), Digests.sha256(layer), "test");
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aWhiteoutOfADirectoryRemovesEverythingBelowItButNotWhatTheSameLayerAdds() throws Exception {
    LayerFiles fs = new LayerFiles(p -> p.startsWith("var/lib/dpkg/"));
    apply(fs, gz(new TestImage.Layer().file("var/lib/dpkg/status.d/a", "A").file("var/lib/dpkg/status.d/b", "B")
        .file("var/lib/dpkg/status", "S")));
    apply(fs, gz(new TestImage.Layer().whiteout("var/lib/dpkg/status.d").file("var/lib/dpkg/status.d/c", "C")));
    assertThat(fs.list("var/lib/dpkg/status.d")).containsExactly("var/lib/dpkg/status.d/c");
    assertThat(text(fs.get("var/lib/dpkg/status"))).isEqualTo("S");
    apply(fs, gz(new TestImage.Layer().opaque("var/lib/dpkg")));
    assertThat(fs.get("var/lib/dpkg/status")).isNull();
    assertThat(fs.list("var/lib/dpkg/status.d")).isEmpty();
  }

  @Test
  void plainTarHardlinksAndSymlinksAreFollowed() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      byte[] content = "ID=alpine\nVERSION_ID=3.20.0\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("./usr/lib/os-release");
      file.setSize(content.length);
      file.setModTime(Instant.EPOCH.toEpochMilli());
      tar.putArchiveEntry(file);
      tar.write(content);
      tar.closeArchiveEntry();
      TarArchiveEntry hard = new TarArchiveEntry("./etc/os-release", TarArchiveEntry.LF_LINK);
      hard.setLinkName("./usr/lib/os-release");
      tar.putArchiveEntry(hard);
      tar.closeArchiveEntry();
    }
    LayerFiles fs = new LayerFiles(OsPackages.WANTED);
    apply(fs, out.toByteArray());
    assertThat(text(fs.get("etc/os-release"))).contains("ID=alpine");

    LayerFiles viaSymlink = new LayerFiles(OsPackages.WANTED);
    apply(viaSymlink, gz(new TestImage.Layer().file("usr/lib/os-release", "ID=debian\n")
        .symlink("etc/os-release", "../usr/lib/os-release")));
    assertThat(OsPackages.detect(viaSymlink).os().id()).isEqualTo("debian");
  }

  @Test
  void aLayerThatDoesNotMatchItsDigestIsRefused() throws Exception {
    byte[] layer = gz(new TestImage.Layer().file("etc/os-release", "ID=debian\n"));
    LayerFiles fs = new LayerFiles(OsPackages.WANTED);
    String wrong = Digests.sha256("something else".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> fs.apply(new ByteArrayInputStream(layer), wrong, "OCI layout /x"))
        .hasMessageContaining("OCI layout /x: layer " + wrong + " does not match its digest");
  }

  @Test
  void zstdLayersAreRefusedWithAClearMessage() {
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
    LayerFiles fs = new LayerFiles(OsPackages.WANTED);
    assertThatThrownBy(() -> fs.apply(new ByteArrayInputStream(zstd), Digests.sha256(zstd), "registry r/x"))
        .hasMessageContaining("zstd-compressed").hasMessageContaining("gzip");
  }

  @Test
  void aDirectoryThatIsNotALayoutIsNamed() {
    assertThatThrownBy(() -> new OciLayoutSource(java.nio.file.Path.of("/nonexistent/layout")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("/nonexistent/layout is not an OCI image layout");
  }

  @Test
  void formatsAndTimestampsParseOrNameTheParameter() throws Exception {
    assertThat(SbomFormat.parseList("cyclonedx, spdx", "image.sbom.formats"))
        .containsExactlyInAnyOrder(SbomFormat.CYCLONEDX_JSON, SbomFormat.SPDX_JSON);
    assertThatThrownBy(() -> SbomFormat.parseList("cyclonedx,swid", "image.sbom.formats"))
        .hasMessageContaining("image.sbom.formats = 'cyclonedx,swid': unknown format 'swid'")
        .hasMessageContaining("cyclonedx-xml");
    Instant now = Instant.parse("2030-05-05T10:00:00.123Z");
    assertThat(OutputTimestamp.parse("2026-01-01T00:00:00Z", "project.build.outputTimestamp", now)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(OutputTimestamp.parse("1767225600", "project.build.outputTimestamp", now)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(OutputTimestamp.parse(null, "project.build.outputTimestamp", now)).isEqualTo(Instant.parse("2030-05-05T10:00:00Z"));
    assertThat(OutputTimestamp.parse("x", "project.build.outputTimestamp", now)).isEqualTo(Instant.parse("2030-05-05T10:00:00Z"));
    assertThatThrownBy(() -> OutputTimestamp.parse("yesterday", "project.build.outputTimestamp", now))
        .hasMessageContaining("project.build.outputTimestamp = 'yesterday'");
  }

}
