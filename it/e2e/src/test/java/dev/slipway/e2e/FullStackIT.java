package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The full-stack test, as CI runs it: the example's own image test ({@code HelloServiceImageIT}, {@code -Pimage-it})
 * in a forked {@code mvn verify} whose image is built FROM the kit's multi-arch JRE base on a local registry and
 * pushed there, and whose Testcontainers reaches the kit's podman through the environment, the way a user's CI
 * hands a Docker host to its build.
 */
class FullStackIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  static PublishedImage jre;
  @TempDir Path dir;

  @BeforeAll
  static void jreBase() throws Exception {
    jre = JreBase.shared().publishTo(registry);
  }

  MavenRun.Result imageIt(Path project, String from) throws Exception {
    return MavenRun.in(project).env(podman.environment()).args("verify", "-Pimage-it", "-Dperf.skip",
        "-Dimage.from=" + from, "-Dimage.to=" + registry.hostPort() + "/hello-service",
        "-Dimage.insecureRegistries=" + registry.hostPort()).run();
  }

  @Test
  void theExamplesImageTestStartsEveryPlatformOfTheImageJustBuilt() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = imageIt(project, jre.pinned());
    assertThat(r.succeeded()).as(r.log()).isTrue();

    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    assertThat(image.pushed()).isTrue();
    assertThat(image.baseImage().digest()).isEqualTo(jre.digest());
    assertThat(image.platforms()).extracting(BuiltImage.Platform::name).containsExactly("linux/amd64", "linux/arm64");

    // failsafe ran one case per platform, none skipped, all passed
    Element suite = failsafeReport(project, "dev.slipway.examples.hello.HelloServiceImageIT");
    assertThat(suite.getAttribute("tests")).isEqualTo("2");
    assertThat(List.of(suite.getAttribute("failures"), suite.getAttribute("errors"), suite.getAttribute("skipped")))
        .containsOnly("0");
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(List.of(((Element) cases.item(0)).getAttribute("name"), ((Element) cases.item(1)).getAttribute("name")))
        .anyMatch(n -> n.contains("linux/amd64")).anyMatch(n -> n.contains("linux/arm64"));
    // Testcontainers used the kit's podman (the one DOCKER_HOST named), and the images came from the registry
    assertThat(r.log()).contains(podman.dockerHost()).contains("Pulling docker image: " + registry.hostPort());
  }

  @Test
  void anImageWithoutAJvmFailsTheImageTestSayingWhy() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = imageIt(project, "scratch");
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log()).contains("the image is built FROM scratch and has no JVM to start").contains("BUILD FAILURE");
  }

  static Element failsafeReport(Path project, String testClass) throws Exception {
    Path xml = project.resolve("target/failsafe-reports/TEST-" + testClass + ".xml");
    assertThat(xml).exists();
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(xml))
        .getDocumentElement();
  }
}
