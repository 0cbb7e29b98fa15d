package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.check.ByteSize;
import dev.slipway.image.check.CheckConfig;
import dev.slipway.image.check.ImageCheck;
import dev.slipway.image.check.PolicyViolationException;
import dev.slipway.image.check.Severity;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the image that {@code image:build} built against a policy: non-root user, compressed size per platform,
 * required labels, requested platforms present, base image pinned by digest, no literal secrets in the
 * environment, declared ports. Each result is logged and written to {@code target/slipway/check.json}; a violated
 * rule of severity {@code error} fails the build with a message naming the rule.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractImageMojo {
  /** Skip this goal. */
  @Parameter(property = "image.check.skip", defaultValue = "false")
  boolean skip;

  /** The image descriptor written by image:build; default {@code ${image.workDir}/image.json}. */
  @Parameter(property = "image.imageJson")
  File imageJson;

  /** Largest compressed size allowed per platform: {@code 150MB}, {@code 1.2GB}, {@code 200MiB}, bytes. */
  @Parameter(property = "image.check.maxSize", defaultValue = "150MB")
  String maxSize;

  /** Labels every platform image must carry (comma-separated). */
  @Parameter(property = "image.check.requiredLabels",
      defaultValue = "org.opencontainers.image.title,org.opencontainers.image.version")
  List<String> requiredLabels;

  /** Platforms that must be in the image; the same parameter and default as image:build's. */
  @Parameter(property = "image.platforms", defaultValue = "linux/amd64,linux/arm64")
  String platforms;

  /**
   * Ports the image must declare, as image:build takes them ({@code 8080}, {@code 9000-9002}, {@code 53/udp});
   * when empty, the image must declare at least one.
   */
  @Parameter(property = "image.ports")
  List<String> ports;

  /**
   * Rule severities as {@code rule=error|warn|off}, comma-separated, e.g. {@code basePinned=error,ports=off}.
   * Rules: nonRoot, maxSize, requiredLabels, platforms, noSecretEnv, ports (error by default), basePinned (warn).
   */
  @Parameter(property = "image.check.severities")
  String severities;

  /** Where the JSON report goes; default {@code ${image.workDir}/check.json}. */
  @Parameter(property = "image.check.report")
  File report;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:check skipped");
      return;
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    File imageJson = this.imageJson != null ? this.imageJson : new File(workDir, "image.json");
    File report = this.report != null ? this.report : new File(workDir, "check.json");
    try {
      BuiltImage image = BuiltImage.read(imageJson.toPath());
      CheckConfig config = new CheckConfig(ByteSize.parse(maxSize, "image.check.maxSize"),
          split(requiredLabels), split(platforms == null ? null : List.of(platforms)), split(ports),
          image.baseImage() == null ? null : image.baseImage().reference(),
          Severity.parseOverrides(severities, "image.check.severities"));
      BuiltImageAccess access = new BuiltImageAccess(image, imageJson.toString(), registryAccess(),
          registry -> registryCredentials(registry, redactor, log), log);
      new ImageCheck(access.source(), log).run(image.repository(), image.digest(), config, report.toPath());
    } catch (PolicyViolationException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException | IllegalStateException e) {
      java.nio.file.FileSystemException file = dev.slipway.common.FileProblems.find(e);
      if (file != null) {
        java.util.Map<String, java.nio.file.Path> paths = new java.util.LinkedHashMap<>();
        paths.put("image.check.report", report.toPath());
        paths.put("image.workDir", workDir.toPath());
        throw new MojoExecutionException("image:check failed: "
            + redactor.redact(dev.slipway.common.FileProblems.describe(file, paths)), e);
      }
      throw new MojoExecutionException("image:check failed: " + redactor.redact(String.valueOf(e.getMessage())), e);
    }
  }

  /** Maven splits a comma-separated property into list elements only sometimes; accept both forms. */
  private static List<String> split(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.strip());
          }
        }
      }
    }
    return out;
  }
}
