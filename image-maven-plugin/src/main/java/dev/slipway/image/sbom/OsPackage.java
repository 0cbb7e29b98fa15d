package dev.slipway.image.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.List;
import java.util.TreeMap;

/**
 * A package of the image's operating system, as its package database records it.
 *
 * <p>Package URLs follow Syft's conventions, so that scanners which look advisories up by <em>source</em> package
 * find them: {@code distro=<ID>-<VERSION_ID>} for every type, and an {@code upstream} qualifier naming the source
 * package (dpkg's {@code Source} field as written, with its version when it differs: {@code glibc} or
 * {@code gcc-12@12.2.0-14}; apk's origin when it differs from the name; rpm's source RPM file name).
 *
 * @param type purl type: {@code deb}, {@code apk} or {@code rpm}
 * @param namespace the purl namespace: the distribution (os-release {@code ID}; {@code redhat} for RHEL)
 * @param version the version as the database states it (rpm: {@code VERSION-RELEASE}, the epoch apart)
 * @param epoch the rpm epoch when the header has one (a purl qualifier then); null otherwise
 * @param distro the purl {@code distro} qualifier, or null when the image has no os-release
 * @param licenses license names or SPDX ids as the database states them
 * @param source the source package it was built from: dpkg {@code Source} name, apk origin, the name parsed from the
 *     source RPM; null when the database names none
 * @param sourceVersion the source package's version when it differs from {@link #version} (dpkg {@code Source:
 *     name (version)}, the source RPM's {@code VERSION-RELEASE}); null otherwise
 * @param upstream the purl {@code upstream} qualifier, or null when there is none
 * @param database the file it was found in, e.g. {@code var/lib/dpkg/status}
 */
public record OsPackage(String type, String namespace, String name, String version, Integer epoch,
    String architecture, String distro, List<String> licenses, String source, String sourceVersion, String upstream,
    String supplier, String homepage, String description, String database) {

  /** Trivy's source-package fields, as its own CycloneDX output carries them in {@code aquasecurity:trivy:*}. */
  public record TrivySource(String name, String version, String release, int epoch) {}

  public OsPackage {
    licenses = licenses == null ? List.of() : List.copyOf(licenses);
  }

  /** A copy with other licenses. */
  public OsPackage withLicenses(List<String> other) {
    return new OsPackage(type, namespace, name, version, epoch, architecture, distro, other, source, sourceVersion,
        upstream, supplier, homepage, description, database);
  }

  /** e.g. {@code pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc}. */
  public String purl() {
    TreeMap<String, String> q = new TreeMap<>();
    if (architecture != null && !architecture.isEmpty()) {
      q.put("arch", architecture);
    }
    if (distro != null && !distro.isEmpty()) {
      q.put("distro", distro);
    }
    if (epoch != null) {
      q.put("epoch", Integer.toString(epoch));
    }
    if (upstream != null && !upstream.isEmpty()) {
      q.put("upstream", upstream);
    }
    try {
      return new PackageURL(type, namespace, name, version, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("cannot form a package URL for " + type + " package '" + name + "' "
          + version + " from " + database + ": " + e.getMessage(), e);
    }
  }

  /**
   * The source package as Trivy records it: its name (the binary name when the database names none), and its
   * version split the way Trivy splits it. dpkg: {@code [epoch:]upstream[-revision]} into version, release
   * (revision) and epoch; rpm: the source RPM's version and release, with the binary package's epoch (a source RPM
   * file name carries none); apk: the whole version.
   */
  public TrivySource trivySource() {
    String srcName = source != null && !source.isEmpty() ? source : name;
    String srcVersion = sourceVersion != null && !sourceVersion.isEmpty() ? sourceVersion : version;
    return switch (type) {
      case "deb" -> {
        int e = 0;
        String v = srcVersion;
        int colon = v.indexOf(':');
        if (colon > 0 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
          e = Integer.parseInt(v.substring(0, colon));
          v = v.substring(colon + 1);
        }
        int dash = v.lastIndexOf('-');
        yield dash > 0 ? new TrivySource(srcName, v.substring(0, dash), v.substring(dash + 1), e)
            : new TrivySource(srcName, v, "", e);
      }
      case "rpm" -> {
        int dash = srcVersion.lastIndexOf('-');
        int e = epoch == null ? 0 : epoch;
        yield dash > 0 ? new TrivySource(srcName, srcVersion.substring(0, dash), srcVersion.substring(dash + 1), e)
            : new TrivySource(srcName, srcVersion, "", e);
      }
      default -> new TrivySource(srcName, srcVersion, "", 0);
    };
  }
}
