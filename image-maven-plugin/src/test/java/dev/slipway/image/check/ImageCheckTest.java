package dev.slipway.image.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.image.sbom.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCheckTest {
  @TempDir Path tmp;

  static final class Lines implements Log {
    final List<String> lines = new ArrayList<>();

    @Override
    public void debug(String m) {}

    @Override
    public void info(String m) {
      lines.add("INFO " + m);
    }

    @Override
    public void warn(String m) {
      lines.add("WARN " + m);
    }

    @Override
    public void error(String m) {
      lines.add("ERROR " + m);
    }
  }

  @Test
  void aRootUserImageFailsNamingTheRuleAndTheReportSaysWhy() throws Exception {
    ObjectNode rc = (ObjectNode) Json.mapper().readTree(ImageCheckerTest.GOOD);
    rc.put("User", "root");
    String digest = new TestImage()
        .platform("linux", "amd64", rc, new TestImage.Layer().file("app/app.jar", "x"))
        .platform("linux", "arm64", rc, new TestImage.Layer().file("app/app.jar", "y"))
        .writeLayout(tmp.resolve("layout"));
    Lines log = new Lines();
    Path report = tmp.resolve("slipway/check.json");
    CheckConfig config = ImageCheckerTest.config(Map.of(), "registry.example/base:1", "8080");
    assertThatThrownBy(() -> new ImageCheck(new OciLayoutSource(tmp.resolve("layout")), log)
        .run("reg/app", digest, config, report))
        .isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("nonRoot (linux/amd64): USER is 'root' (root)")
        .hasMessageContaining("nonRoot (linux/arm64)")
        .hasMessageNotContaining("basePinned");

    JsonNode json = Json.mapper().readTree(report.toFile());
    assertThat(json.path("passed").asBoolean()).isFalse();
    assertThat(json.path("digest").asText()).isEqualTo(digest);
    assertThat(json.path("results").findValuesAsText("rule")).contains("nonRoot", "maxSize", "basePinned");
    assertThat(log.lines).anyMatch(l -> l.startsWith("ERROR [FAIL] nonRoot linux/amd64"))
        .anyMatch(l -> l.startsWith("WARN [WARN] basePinned"))
        .anyMatch(l -> l.startsWith("INFO [PASS] maxSize linux/arm64"));
  }

  @Test
  void theSameImageAsNonRootPasses() throws Exception {
    ObjectNode rc = (ObjectNode) Json.mapper().readTree(ImageCheckerTest.GOOD);
    String digest = new TestImage()
        .platform("linux", "amd64", rc, new TestImage.Layer().file("app/app.jar", "x"))
        .platform("linux", "arm64", rc, new TestImage.Layer().file("app/app.jar", "y"))
        .writeLayout(tmp.resolve("layout"));
    CheckReport r = new ImageCheck(new OciLayoutSource(tmp.resolve("layout")), new Lines())
        .run("reg/app", digest, ImageCheckerTest.config(Map.of(), "scratch", "8080"), tmp.resolve("check.json"));
    assertThat(r.passed()).isTrue();
  }
}
