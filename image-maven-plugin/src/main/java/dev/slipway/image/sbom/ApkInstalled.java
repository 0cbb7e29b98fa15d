package dev.slipway.image.sbom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alpine's package database {@code lib/apk/db/installed}: one block per package, lines {@code X:value} with a
 * one-letter key ({@code P} name, {@code V} version, {@code A} architecture, {@code L} license, {@code o} origin,
 * {@code m} maintainer, {@code U} URL, {@code T} description; {@code F}/{@code R}/{@code Z} list files), blocks
 * separated by a blank line (the format of the apk-tools documentation, "Apk spec"). The origin is the source
 * package; when it differs from the name it is the purl's {@code upstream} qualifier, as Syft writes it.
 */
public final class ApkInstalled {
  private ApkInstalled() {}

  public static List<OsPackage> parse(byte[] content, String database, OsIdentity os) {
    List<OsPackage> out = new ArrayList<>();
    Map<Character, String> block = new LinkedHashMap<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank()) {
        add(block, database, os, out);
        block = new LinkedHashMap<>();
      } else if (line.length() >= 2 && line.charAt(1) == ':') {
        // only the first occurrence of a key matters for the fields read here (F/R repeat)
        block.putIfAbsent(line.charAt(0), line.substring(2));
      }
    }
    add(block, database, os, out);
    return out;
  }

  /** The files the database says its packages own ({@code F:} directory + {@code R:} name) that {@code keep} accepts. */
  public static List<String> files(byte[] content, java.util.function.Predicate<String> keep) {
    List<String> out = new ArrayList<>();
    String dir = "";
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("F:")) {
        dir = line.substring(2).strip();
      } else if (line.startsWith("R:")) {
        String path = LayerFiles.normalize(dir.isEmpty() ? line.substring(2).strip() : dir + "/" + line.substring(2).strip());
        if (keep.test(path)) {
          out.add(path);
        }
      } else if (line.isBlank()) {
        dir = "";
      }
    }
    return out;
  }

  private static void add(Map<Character, String> b, String database, OsIdentity os, List<OsPackage> out) {
    String name = b.get('P');
    String version = b.get('V');
    if (name == null || version == null) {
      return;
    }
    String license = b.get('L');
    String origin = b.get('o');
    String upstream = origin != null && !origin.isBlank() && !origin.equals(name) ? origin : null;
    out.add(new OsPackage("apk", os.namespace("alpine"), name, version, null, b.get('A'), os.distro(),
        license == null || license.isBlank() ? List.of() : List.of(license.strip()), origin, null, upstream,
        b.get('m'), b.get('U'), b.get('T'), database));
  }
}
