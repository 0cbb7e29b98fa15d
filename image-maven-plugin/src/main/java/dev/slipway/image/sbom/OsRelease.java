package dev.slipway.image.sbom;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /etc/os-release} (or {@code /usr/lib/os-release}): shell-style {@code KEY=value} lines, values optionally
 * quoted. Only the identity fields matter here: {@code ID}, {@code VERSION_ID}, {@code PRETTY_NAME}.
 */
public record OsRelease(String id, String versionId, String prettyName) {

  public static OsRelease parse(byte[] content) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\\R")) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
        continue;
      }
      values.put(l.substring(0, eq), unquote(l.substring(eq + 1)));
    }
    return new OsRelease(values.get("ID"), values.get("VERSION_ID"), values.get("PRETTY_NAME"));
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1);
    }
    return v.replace("\\\"", "\"").replace("\\$", "$").replace("\\`", "`").replace("\\\\", "\\");
  }
}
