package dev.slipway.image.sbom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dpkg's database: {@code var/lib/dpkg/status} and the one-file-per-package {@code var/lib/dpkg/status.d/*} of
 * distroless images. Both are deb822 stanzas (fields {@code Name: value}, continuation lines indented, stanzas
 * separated by blank lines). A package counts as present when its {@code Status} state leaves its files on disk
 * (installed, or configured-but-for-triggers, unpacked or half-configured); {@code config-files} and
 * {@code not-installed} entries are history, not content. Stanzas without a Status field (status.d) are present.
 *
 * <p>dpkg writes a {@code Source} field only when the source package differs from the binary one, by name
 * ({@code Source: glibc}) or version ({@code Source: gcc-12 (12.2.0-14)}); it becomes the purl's {@code upstream}
 * qualifier as written ({@code glibc}, {@code gcc-12@12.2.0-14}), as Syft does.
 */
public final class DpkgStatus {
  private static final Set<String> PRESENT_STATES =
      Set.of("installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked");
  private static final Pattern SOURCE = Pattern.compile("(\\S+)(?:\\s+\\((.*)\\))?\\s*");

  private DpkgStatus() {}

  /** Parses deb822 stanzas into field maps (field names as written; continuation lines joined with newlines). */
  public static List<Map<String, String>> stanzas(byte[] content) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String last = null;
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          out.add(current);
          current = new LinkedHashMap<>();
        }
        last = null;
      } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
        current.put(last, current.get(last) + "\n" + line.substring(1));
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          last = line.substring(0, colon);
          current.put(last, line.substring(colon + 1).strip());
        }
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** The present packages in {@code content}; {@code os} fills namespace and distro. */
  public static List<OsPackage> parse(byte[] content, String database, OsIdentity os) {
    List<OsPackage> out = new ArrayList<>();
    for (Map<String, String> s : stanzas(content)) {
      String name = s.get("Package");
      String version = s.get("Version");
      if (name == null || version == null) {
        continue;
      }
      String status = s.get("Status");
      if (status != null) {
        String[] words = status.split("\\s+");
        if (words.length < 3 || !PRESENT_STATES.contains(words[2])) {
          continue;
        }
      }
      String source = null;
      String sourceVersion = null;
      String upstream = null;
      String sourceField = s.get("Source");
      if (sourceField != null && !sourceField.isBlank()) {
        Matcher m = SOURCE.matcher(sourceField.strip());
        if (m.matches()) {
          source = m.group(1);
          sourceVersion = m.group(2) == null || m.group(2).isBlank() ? null : m.group(2).strip();
          upstream = sourceVersion == null ? source : source + "@" + sourceVersion;
        }
      }
      String description = s.get("Description");
      if (description != null) {
        int nl = description.indexOf('\n');
        description = nl > 0 ? description.substring(0, nl) : description;
      }
      out.add(new OsPackage("deb", os.namespace("debian"), name, version, null, s.get("Architecture"),
          os.distro(), List.of(), source, sourceVersion, upstream, s.get("Maintainer"), s.get("Homepage"),
          description, database));
    }
    return out;
  }
}
