package dev.slipway.image.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * A Maven artifact the application consists of: the project's own artifact or a resolved runtime dependency.
 *
 * @param id Maven's artifact id string {@code group:artifact:type[:classifier]:version}
 * @param parentId the id of the artifact that pulled this one in (the project for direct dependencies), or null
 * @param file the resolved file, or null when there is none (its hash is then omitted)
 * @param licenses the licenses the (effective) POM declares
 */
public record MavenComponent(String id, String groupId, String artifactId, String version, String type,
    String classifier, String scope, Path file, List<PomLicense> licenses, String description, String parentId) {

  public MavenComponent {
    licenses = licenses == null ? List.of() : List.copyOf(licenses);
  }

  /** A {@code <license>} of a POM. */
  public record PomLicense(String name, String url) {}

  /**
   * The package URL the way cyclonedx-maven-plugin writes it: {@code pkg:maven/group/artifact@version?type=jar},
   * with a {@code classifier} qualifier when there is one (qualifiers sorted, as purls are canonical).
   */
  public String purl() {
    TreeMap<String, String> q = new TreeMap<>();
    if (classifier != null && !classifier.isEmpty()) {
      q.put("classifier", classifier);
    }
    q.put("type", type == null || type.isEmpty() ? "jar" : type);
    try {
      return new PackageURL("maven", groupId, artifactId, version, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("cannot form a package URL for " + id + ": " + e.getMessage(), e);
    }
  }
}
