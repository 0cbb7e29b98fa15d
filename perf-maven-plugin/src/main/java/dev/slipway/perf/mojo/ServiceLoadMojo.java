package dev.slipway.perf.mojo;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.perf.load.ImageStart;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.RequestSettings;
import dev.slipway.perf.load.Scenario;
import dev.slipway.perf.load.ServicePort;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The parameters {@code perf:memory} and {@code perf:stress} share with {@code perf:load} (same names and
 * properties, so one POM configuration and one {@code -Dperf.target} serve all three): what to load and how to start
 * the service. The goals choose the rates themselves.
 */
abstract class ServiceLoadMojo extends TestSkippedMojo {

  /** Base URL of the service, e.g. {@code http://127.0.0.1:8080}. Load goes to this host and port only. */
  @Parameter(property = "perf.target")
  String target;

  /** A scenario YAML file (Slipway's format or an Artillery script); its phases are ignored, the goal sets rates. */
  @Parameter(property = "perf.scenario")
  File scenario;

  /** Weighted requests; without any (and without a scenario file) the target URL itself is requested. */
  @Parameter
  List<Request> requests;

  /** Most connections the open model's pool may open. */
  @Parameter(property = "perf.connections")
  Integer connections;

  /** Event-loop threads; 0 = half the processors (the service usually shares the machine). */
  @Parameter(property = "perf.threads", defaultValue = "0")
  int threads;

  /** A request without a complete response this long after its intended send time counts as a timeout. */
  @Parameter(property = "perf.timeout", defaultValue = "10s")
  String timeout;

  /** How often a progress line is logged. */
  @Parameter(property = "perf.progressInterval", defaultValue = "5s")
  String progressInterval;

  /** Where reports and charts are written. */
  @Parameter(property = "perf.outputDirectory", defaultValue = "${project.build.directory}/slipway/perf")
  File outputDirectory;

  /**
   * Start the service for the goal and stop it afterwards: {@code jar} (this project's packaged jar), a path to a
   * jar, a command line, or {@code image} (the image image:build built, run as a container on the Docker API's host
   * network). Unset: the target must already be running. The health URL's port must be free before the start, and
   * the answer must come from the started service.
   */
  @Parameter(property = "perf.start")
  String start;

  /**
   * The port of the service {@code perf.start} starts, handed to it in {@code perf.portVariable}. {@code 0}: a free
   * loopback port chosen at start (two builds on one machine never collide), filled into the target and health URLs
   * where they say port 0 ({@code http://127.0.0.1:${perf.port}/health}). Unset, or without {@code perf.start}:
   * the URLs and {@code startEnvironment} say everything.
   */
  @Parameter(property = "perf.port")
  Integer port;

  /** The environment variable that gives the started service its port ({@code perf.port}). */
  @Parameter(property = "perf.portVariable", defaultValue = "PORT")
  String portVariable;

  /**
   * {@code perf.start=image}: an image reference to run instead of the one {@code image.json} names (its
   * {@code perf.imagePlatform} manifest, pulled by digest).
   */
  @Parameter(property = "perf.image")
  String image;

  /** {@code perf.start=image}: the platform of the built image to run. */
  @Parameter(property = "perf.imagePlatform", defaultValue = "linux/amd64")
  String imagePlatform;

  /** {@code perf.start=image}: the hand-over file of image:build that names the image and its digests. */
  @Parameter(property = "perf.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  /** URL polled until the started service answers 2xx/3xx; default the target. */
  @Parameter(property = "perf.health")
  String health;

  /** Extra environment variables for the started service, e.g. {@code <PORT>8081</PORT>} (POM only). */
  @Parameter
  Map<String, String> startEnvironment;

  /** How long to wait for the started service's health URL. */
  @Parameter(property = "perf.startTimeout", defaultValue = "60s")
  String startTimeout;

  @Parameter(defaultValue = "${project.build.directory}/${project.build.finalName}.jar", readonly = true)
  File packagedJar;

  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /** Load settings for one constant open-model rate over {@code duration}. */
  LoadSettings loadSettings(double rate, Duration duration, Duration warmup) throws InvalidInputException {
    List<RequestSettings> rs = new ArrayList<>();
    if (requests != null) {
      for (Request r : requests) {
        rs.add(new RequestSettings(r.name, r.method, r.path, r.headers, r.body, r.expect, r.weight, r.think));
      }
    }
    List<Scenario> specs = RequestSettings.scenarios(rs);
    ServicePort sp = ServicePort.resolve(port, portVariable, start, uri(target, "perf.target"),
        uri(health, "perf.health"), startEnvironment, log());
    return new LoadSettings(sp.target(), scenario == null ? null : scenario.toPath(), specs, List.of(),
        rate, null, duration, connections, "open", threads, warmup, Durations.parse(timeout, "perf.timeout"), 1,
        Durations.parse(progressInterval, "perf.progressInterval"), outputDir(), start,
        packagedJar == null ? null : packagedJar.toPath(), workDir(), sp.health(),
        Durations.parse(startTimeout, "perf.startTimeout"), sp.environment(), Map.of(),
        dev.slipway.perf.compare.ErrorBudget.Limits.defaults(), new ImageStart(imageJsonPath(), image, imagePlatform));
  }

  /** Without a project, {@code ${project.build.directory}} is left unresolved: ./target/slipway/image.json then. */
  Path imageJsonPath() {
    return imageJson == null || imageJson.getPath().contains("${")
        ? workDir().resolve("target/slipway/image.json") : imageJson.toPath();
  }

  /** Without a project, Maven leaves {@code ${project.build.directory}} unresolved; use ./target/slipway/perf. */
  Path outputDir() {
    String p = outputDirectory.getPath();
    return p.contains("${") ? Path.of("target", "slipway", "perf").toAbsolutePath() : outputDirectory.toPath();
  }

  Path workDir() {
    return basedir == null || basedir.getPath().contains("${") ? Path.of("").toAbsolutePath() : basedir.toPath();
  }

  static URI uri(String s, String parameter) throws InvalidInputException {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return URI.create(s.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(parameter + ": '" + s + "' is not a URL (" + e.getMessage() + ")");
    }
  }

  Log log() {
    return new dev.slipway.common.mojo.MavenLog(getLog());
  }
}
