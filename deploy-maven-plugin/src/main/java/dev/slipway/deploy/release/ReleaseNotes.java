package dev.slipway.deploy.release;

import dev.slipway.common.github.GitHubReleases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Slipway adds to a release after GitHub's generated notes: the image by digest, where it was deployed, the
 * verdicts of its signature and scan, and links to the attached files (SBOM, scan, signature bundles, image.json).
 * Used by the RELEASE step of deploy:ecs and by deploy:release alone.
 */
public final class ReleaseNotes {
  /** A check of the image and its verdict, with the file that says so (attached when present). */
  public record Check(String name, String verdict, String file) {}

  /**
   * @param deployed a sentence on where the digest runs, or null
   * @param files attachments by name; missing files are left out
   */
  public record Input(String repository, String tag, String commit, String project, String image, String deployed,
      List<Check> checks, Map<String, Path> files) {}

  private ReleaseNotes() {}

  public static GitHubReleases.Spec spec(Input in) {
    Map<String, Path> assets = new LinkedHashMap<>();
    in.files().forEach((name, path) -> {
      if (path != null && Files.isRegularFile(path)) {
        assets.put(name, path);
      }
    });
    StringBuilder b = new StringBuilder();
    b.append("## Image\n\n`").append(in.image()).append("`\n");
    if (in.deployed() != null) {
      b.append("\n").append(in.deployed()).append("\n");
    }
    if (!in.checks().isEmpty()) {
      b.append("\n| Check | Verdict | File |\n|---|---|---|\n");
      for (Check c : in.checks()) {
        b.append("| ").append(c.name()).append(" | ").append(c.verdict()).append(" | ")
            .append(c.file() == null ? "–" : assets.containsKey(c.file())
                ? "[" + c.file() + "]({asset:" + c.file() + "})" : c.file()).append(" |\n");
      }
    }
    if (!assets.isEmpty()) {
      b.append("\n### Files\n\n");
      assets.keySet().forEach(name -> b.append("- [").append(name).append("]({asset:").append(name).append("}) — ")
          .append(describe(name)).append("\n"));
    }
    b.append("\n<!-- slipway-release -->\n");
    boolean prerelease = in.tag().contains("-");
    return new GitHubReleases.Spec(in.repository(), in.tag(), in.commit(),
        (in.project() == null ? "" : in.project() + " ") + in.tag(), b.toString(), prerelease, assets);
  }

  static String describe(String name) {
    if (name.endsWith(".cdx.json") || name.endsWith(".cdx.xml")) {
      return "SBOM (CycloneDX)";
    }
    if (name.endsWith(".spdx.json")) {
      return "SBOM (SPDX)";
    }
    if (name.endsWith(".sarif")) {
      return "vulnerability scan (SARIF)";
    }
    if (name.equals("scan.json")) {
      return "vulnerability scan (image:scan)";
    }
    if (name.equals("verified.json")) {
      return "signature verification (image:verify)";
    }
    if (name.endsWith(".sigstore.json")) {
      return "Sigstore signature bundle";
    }
    if (name.equals("image.json")) {
      return "build record (image:build): digest per platform";
    }
    return "file";
  }
}
