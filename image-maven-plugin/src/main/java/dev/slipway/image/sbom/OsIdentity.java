package dev.slipway.image.sbom;

/**
 * Which distribution an image's root file system is, from {@code etc/os-release}. Package URLs take their
 * namespace from {@code ID} and their {@code distro} qualifier from it: {@code ID-VERSION_ID} for deb
 * ({@code debian-12}, {@code ubuntu-22.04}) and {@code VERSION_ID} for apk ({@code 3.19.1}), the forms the purl
 * examples of the issue and common scanners use.
 */
public record OsIdentity(OsRelease release) {
  public static final OsIdentity UNKNOWN = new OsIdentity(null);

  public String namespace(String fallback) {
    return release != null && release.id() != null && !release.id().isBlank() ? release.id() : fallback;
  }

  public String debDistro() {
    if (release == null || release.id() == null || release.versionId() == null) {
      return null;
    }
    return release.id() + "-" + release.versionId();
  }

  public String apkDistro() {
    return release == null ? null : release.versionId();
  }
}
