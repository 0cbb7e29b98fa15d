package dev.slipway.image.check;

import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.image.sbom.ImageReader;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.ResolvedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * image:check: reads the image, evaluates the policy, logs one line per result, writes the report atomically, and
 * throws {@link PolicyViolationException} naming each violated rule of severity error.
 */
public final class ImageCheck {
  private final ImageSource source;
  private final Log log;

  public ImageCheck(ImageSource source, Log log) {
    this.source = source;
    this.log = log;
  }

  public CheckReport run(String imageName, String digest, CheckConfig config, Path reportFile)
      throws IOException, PolicyViolationException {
    ResolvedImage image = new ImageReader(source).read(digest);
    CheckReport report = new ImageChecker().check(imageName, image, config);
    for (CheckReport.Result r : report.results()) {
      String line = "[" + label(r) + "] " + r.rule() + (r.platform() == null ? "" : " " + r.platform()) + ": "
          + r.message();
      if (r.status() == CheckReport.Status.FAIL && r.severity() == Severity.ERROR) {
        log.error(line);
      } else if (r.status() == CheckReport.Status.FAIL) {
        log.warn(line);
      } else {
        log.info(line);
      }
    }
    Json.writeFile(reportFile, report);
    log.info("image:check report written to " + reportFile);
    if (!report.passed()) {
      String rules = report.violations().stream()
          .map(r -> r.rule() + (r.platform() == null ? "" : " (" + r.platform() + ")") + ": " + r.message())
          .collect(Collectors.joining("\n  "));
      throw new PolicyViolationException("image:check failed: " + report.violations().size()
          + " rule violation(s) of severity error:\n  " + rules + "\nSee " + reportFile
          + "; change a rule's severity with image.check.severities (e.g. nonRoot=warn).", report);
    }
    return report;
  }

  private static String label(CheckReport.Result r) {
    return switch (r.status()) {
      case PASS -> "PASS";
      case SKIPPED -> "OFF ";
      case FAIL -> r.severity() == Severity.ERROR ? "FAIL" : "WARN";
    };
  }
}
