package dev.slipway.image.sbom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Licenses of a Debian package from its {@code usr/share/doc/<package>/copyright}: the {@code License:} short names
 * of a machine-readable (DEP-5) file, or the {@code /usr/share/common-licenses/<name>} files a free-form one points
 * to. Debian's short names are mapped to SPDX ids where the correspondence is exact ({@code GPL-2+} →
 * {@code GPL-2.0-or-later}, {@code Expat} → {@code MIT}, ...); others are kept as names. A package's licenses
 * usually cover different files, so together they are a conjunction.
 */
public final class DebCopyright {
  private static final Pattern LICENSE_FIELD = Pattern.compile("(?m)^License:[ \\t]*(\\S[^\\r\\n]*)$");
  private static final Pattern COMMON_LICENSE = Pattern.compile("/usr/share/common-licenses/([A-Za-z0-9.+_-]+)");
  private static final Map<String, String> SPDX = Map.ofEntries(
      Map.entry("apache-2.0", "Apache-2.0"), Map.entry("apache-2", "Apache-2.0"),
      Map.entry("artistic", "Artistic-1.0-Perl"), Map.entry("artistic-2.0", "Artistic-2.0"),
      Map.entry("bsd-2-clause", "BSD-2-Clause"), Map.entry("bsd-3-clause", "BSD-3-Clause"),
      Map.entry("bsd-4-clause", "BSD-4-Clause"), Map.entry("bsd", "BSD-3-Clause"),
      Map.entry("cc0-1.0", "CC0-1.0"), Map.entry("cc0", "CC0-1.0"), Map.entry("expat", "MIT"),
      Map.entry("mit", "MIT"), Map.entry("isc", "ISC"), Map.entry("zlib", "Zlib"),
      Map.entry("mpl-1.1", "MPL-1.1"), Map.entry("mpl-2.0", "MPL-2.0"),
      Map.entry("gpl-1", "GPL-1.0-only"), Map.entry("gpl-1+", "GPL-1.0-or-later"),
      Map.entry("gpl-2", "GPL-2.0-only"), Map.entry("gpl-2+", "GPL-2.0-or-later"),
      Map.entry("gpl-3", "GPL-3.0-only"), Map.entry("gpl-3+", "GPL-3.0-or-later"),
      Map.entry("lgpl-2", "LGPL-2.0-only"), Map.entry("lgpl-2+", "LGPL-2.0-or-later"),
      Map.entry("lgpl-2.1", "LGPL-2.1-only"), Map.entry("lgpl-2.1+", "LGPL-2.1-or-later"),
      Map.entry("lgpl-3", "LGPL-3.0-only"), Map.entry("lgpl-3+", "LGPL-3.0-or-later"),
      Map.entry("agpl-3", "AGPL-3.0-only"), Map.entry("agpl-3+", "AGPL-3.0-or-later"),
      Map.entry("gfdl-1.2", "GFDL-1.2-only"), Map.entry("gfdl-1.2+", "GFDL-1.2-or-later"),
      Map.entry("gfdl-1.3", "GFDL-1.3-only"), Map.entry("gfdl-1.3+", "GFDL-1.3-or-later"),
      Map.entry("public-domain", "LicenseRef-public-domain"));

  private DebCopyright() {}

  /** The distinct license names the copyright file states, in order of appearance. */
  public static List<String> licenses(byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    Set<String> out = new LinkedHashSet<>();
    if (text.startsWith("Format:") || text.startsWith("Format-Specification:")) {
      Matcher m = LICENSE_FIELD.matcher(text);
      while (m.find()) {
        String value = m.group(1).strip();
        if (!value.isEmpty()) {
          out.add(value);
        }
      }
    } else {
      Matcher m = COMMON_LICENSE.matcher(text);
      while (m.find()) {
        String name = m.group(1).replaceAll("[.,;]+$", "");
        if (!name.isEmpty()) {
          out.add(name);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The SPDX id for a Debian short license name, or null when there is no exact one. */
  public static String spdxId(String debianName) {
    String id = SPDX.get(debianName.strip().toLowerCase(Locale.ROOT));
    return id == null || id.startsWith("LicenseRef-") ? null : id;
  }
}
