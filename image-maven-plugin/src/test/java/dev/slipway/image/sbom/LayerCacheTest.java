package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCacheTest {
  @TempDir Path tmp;

  /** Counts the layer blobs opened, to see which reads the cache saved. */
  static final class CountingSource implements ImageSource {
    final ImageSource inner;
    final List<String> opened = new ArrayList<>();

    CountingSource(ImageSource inner) {
      this.inner = inner;
    }

    @Override
    public Manifest manifest(String digest) throws IOException {
      return inner.manifest(digest);
    }

    @Override
    public InputStream openBlob(String digest) throws IOException {
      opened.add(digest);
      return inner.openBlob(digest);
    }

    @Override
    public String describe() {
      return inner.describe();
    }
  }

  byte[] sbom(ImageSource source, LayerCache cache, String digest, String out) throws Exception {
    new ImageSbom(source, Log.silent(), cache).generate(new SbomConfig(digest, "r/app", List.of(), null,
        Instant.EPOCH, EnumSet.of(SbomFormat.CYCLONEDX_JSON), tmp.resolve(out), "app", "0.1.0"));
    return Files.readAllBytes(tmp.resolve(out).resolve("app.cdx.json"));
  }

  @Test
  void aSecondRunReadsNoLayerAgainAndWritesTheSameSbom() throws Exception {
    TestImage.Layer base = new TestImage.Layer().file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
        .file("lib/apk/db/installed", OsPackagesTest.ALPINE_INSTALLED);
    TestImage.Layer upper = new TestImage.Layer().whiteout("lib/apk/db/installed")
        .file("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n");
    String digest = new TestImage().platform("linux", "amd64", null, base, upper).writeLayout(tmp.resolve("l"));
    LayerCache cache = new LayerCache(tmp.resolve("cache"), Log.silent());

    CountingSource first = new CountingSource(new OciLayoutSource(tmp.resolve("l")));
    byte[] a = sbom(first, cache, digest, "a");
    CountingSource second = new CountingSource(new OciLayoutSource(tmp.resolve("l")));
    byte[] b = sbom(second, cache, digest, "b");
    byte[] uncached = sbom(new OciLayoutSource(tmp.resolve("l")), null, digest, "c");

    // config blob + 2 layers the first time, only the config the second time
    assertThat(first.opened).hasSize(3);
    assertThat(second.opened).hasSize(1);
    assertThat(b).isEqualTo(a).isEqualTo(uncached);
    assertThat(new String(b)).contains("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1")
        .doesNotContain("busybox");
  }

  @Test
  void aCorruptEntryIsAMiss() throws Exception {
    TestImage.Layer base = new TestImage.Layer().file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
        .file("lib/apk/db/installed", OsPackagesTest.ALPINE_INSTALLED);
    String digest = new TestImage().platform("linux", "amd64", null, base).writeLayout(tmp.resolve("l"));
    Path cacheDir = tmp.resolve("cache");
    LayerCache cache = new LayerCache(cacheDir, Log.silent());
    byte[] a = sbom(new OciLayoutSource(tmp.resolve("l")), cache, digest, "a");
    try (var files = Files.list(cacheDir)) {
      for (Path f : files.toList()) {
        Files.writeString(f, "{not json");
      }
    }
    CountingSource again = new CountingSource(new OciLayoutSource(tmp.resolve("l")));
    assertThat(sbom(again, cache, digest, "b")).isEqualTo(a);
    assertThat(again.opened).hasSize(2);
  }
}
