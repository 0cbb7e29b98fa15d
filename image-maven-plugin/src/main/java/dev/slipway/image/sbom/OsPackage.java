package dev.slipway.image.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.List;
import java.util.TreeMap;

/**
 * A package of the image's operating system, as its package database records it.
 *
 * @param type purl type: {@code deb} or {@code apk}
 * @param namespace the distribution (os-release {@code ID}): debian, ubuntu, alpine, ...
 * @param distro the purl {@code distro} qualifier, or null when the image has no os-release
 * @param licenses license names or SPDX ids as the database states them (apk only; dpkg keeps none)
 * @param source the source package it was built from, when the database says
 * @param database the file it was found in, e.g. {@code var/lib/dpkg/status}
 */
public record OsPackage(String type, String namespace, String name, String version, String architecture,
    String distro, List<String> licenses, String source, String supplier, String homepage, String description,
    String database) {

  public OsPackage {
    licenses = licenses == null ? List.of() : List.copyOf(licenses);
  }

  /** e.g. {@code pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12}. */
  public String purl() {
    TreeMap<String, String> q = new TreeMap<>();
    if (architecture != null && !architecture.isEmpty()) {
      q.put("arch", architecture);
    }
    if (distro != null && !distro.isEmpty()) {
      q.put("distro", distro);
    }
    try {
      return new PackageURL(type, namespace, name, version, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("cannot form a package URL for " + type + " package '" + name + "' "
          + version + " from " + database + ": " + e.getMessage(), e);
    }
  }
}
