package dev.slipway.image.sbom;

/**
 * Which distribution an image's root file system is, from {@code etc/os-release}. Package URLs take their
 * namespace from {@code ID} and their {@code distro} qualifier from {@code ID-VERSION_ID} ({@code debian-12},
 * {@code ubuntu-22.04}, {@code alpine-3.19.1}, {@code amzn-2023}), the way Syft writes them.
 */
public record OsIdentity(OsRelease release) {
  public static final OsIdentity UNKNOWN = new OsIdentity(null);

  public String namespace(String fallback) {
    return release != null && release.id() != null && !release.id().isBlank() ? release.id() : fallback;
  }

  /** Syft's rpm namespace: the os-release ID, except {@code redhat} for RHEL (and UBI, which says {@code rhel}). */
  public String rpmNamespace() {
    String id = namespace(null);
    if (id == null) {
      return "redhat";
    }
    return id.equals("rhel") ? "redhat" : id.startsWith("opensuse") ? "opensuse" : id;
  }

  /** {@code ID-VERSION_ID}, or null when the image has no os-release or it lacks either field. */
  public String distro() {
    if (release == null || release.id() == null || release.id().isBlank()) {
      return null;
    }
    if (release.versionId() == null || release.versionId().isBlank()) {
      return release.id();
    }
    return release.id() + "-" + release.versionId();
  }
}
