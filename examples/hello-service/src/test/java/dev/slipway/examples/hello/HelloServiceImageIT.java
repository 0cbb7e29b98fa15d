package dev.slipway.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The full-stack test: the image {@code image:build} just pushed, started with Testcontainers on every platform it
 * was built for (a platform other than the machine's runs under emulation, e.g. QEMU), checked from outside (health,
 * the API) and from inside (the service's user, the architecture). Failsafe runs it in {@code integration-test},
 * after {@code package} built and pushed the image; {@code image.json} (the path comes as a system property) says
 * which digests to run, so the test runs exactly what was built and nothing else.
 *
 * <p>Needs what any Testcontainers test needs: a Docker API ({@code DOCKER_HOST}, or Docker's default socket) whose
 * daemon can pull from the registry the image was pushed to. Run it with {@code mvn verify -Pimage-it
 * -Dimage.to=REGISTRY/hello-service -Dimage.from=A_JRE_BASE}.
 */
class HelloServiceImageIT {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static JsonNode image;

  @BeforeAll
  static void readImageJson() throws Exception {
    String path = System.getProperty("image.json");
    if (path == null || !new File(path).isFile()) {
      fail("no image.json at " + path + ": image:build writes it in package; run mvn verify -Pimage-it");
    }
    image = new ObjectMapper().readTree(new File(path));
    if (!image.path("pushed").asBoolean()) {
      fail("image:build did not push the image (" + path + "): a container runtime pulls it from a registry,"
          + " so give one with -Dimage.to=REGISTRY/hello-service");
    }
    if ("scratch".equals(image.path("baseImage").path("reference").asText("scratch"))) {
      fail("the image is built FROM scratch and has no JVM to start: build it from a JRE base,"
          + " e.g. -Dimage.from=eclipse-temurin:17-jre");
    }
  }

  /** One case per platform manifest of the pushed index: {@code os/arch} and the manifest's digest. */
  static List<Arguments> platforms() {
    List<Arguments> platforms = new ArrayList<>();
    for (JsonNode p : image.path("platforms")) {
      platforms.add(Arguments.of(p.path("os").asText() + "/" + p.path("architecture").asText(),
          p.path("digest").asText()));
    }
    return platforms;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("platforms")
  void theImageServesItsApiAsANonRootUserOnItsOwnArchitecture(String platform, String digest) throws Exception {
    // the platform's own manifest, by digest: the runtime runs it whatever the machine's architecture
    String reference = image.path("repository").asText() + "@" + digest;
    try (GenericContainer<?> app = new GenericContainer<>(DockerImageName.parse(reference))
        .withEnv("PORT", "8080")
        .withExposedPorts(8080)
        // a JVM under emulation starts several times slower than a native one
        .waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(4)))) {
      app.start();
      String base = "http://" + app.getHost() + ":" + app.getMappedPort(8080);

      assertEquals("{\"status\":\"UP\"}", get(base + "/health").body());
      HttpResponse<String> greeting = get(base + "/api/greeting?name=container");
      assertEquals(200, greeting.statusCode());
      assertEquals("{\"greeting\":\"Hello, container!\"}", greeting.body());
      HttpResponse<String> work = get(base + "/api/work?rounds=3");
      assertEquals(200, work.statusCode());
      assertTrue(work.body().contains("\"rounds\":3"), work.body());

      // the kernel's view of the service process (PID 1): its real and effective uid
      ExecResult status = app.execInContainer("cat", "/proc/1/status");
      String uids = status.getStdout().lines().filter(l -> l.startsWith("Uid:")).findFirst()
          .orElseThrow(() -> new AssertionError("no Uid line in /proc/1/status: " + status));
      String[] ids = uids.split("\\s+");
      assertNotEquals("0", ids[1], "the service runs as root: " + uids);
      assertNotEquals("0", ids[2], "the service runs as root: " + uids);
      assertFalse(status.getStdout().isBlank());

      String expectedMachine = switch (platform) {
        case "linux/amd64" -> "x86_64";
        case "linux/arm64" -> "aarch64";
        default -> throw new AssertionError("no expected uname -m for " + platform);
      };
      assertEquals(expectedMachine, app.execInContainer("uname", "-m").getStdout().strip(),
          "the architecture seen inside the container of " + platform);

      Map<String, String> labels = app.getContainerInfo().getConfig().getLabels();
      assertEquals(System.getProperty("project.name"), labels.get("org.opencontainers.image.title"), labels::toString);
      assertEquals(System.getProperty("project.version"), labels.get("org.opencontainers.image.version"),
          labels::toString);
      assertEquals(image.path("created").asText(), labels.get("org.opencontainers.image.created"), labels::toString);
      assertEquals(image.path("baseImage").path("reference").asText(),
          labels.get("org.opencontainers.image.base.name"), labels::toString);
      assertTrue(labels.containsKey("org.opencontainers.image.licenses"), labels::toString);
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
