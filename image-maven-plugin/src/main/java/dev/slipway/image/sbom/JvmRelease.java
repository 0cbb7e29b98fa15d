package dev.slipway.image.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A JDK or JRE installed from a tarball (the Temurin and Corretto bases: {@code /opt/java/openjdk},
 * {@code /usr/lib/jvm/<name>}), catalogued from the {@code release} file at its root the way Syft reports a JVM
 * installation: the product is {@code jdk} or {@code jre} for Oracle, Sun and IBM builds, {@code zulu} for Azul,
 * {@code openjdk} (vendor {@code oracle}) for every other OpenJDK build; the version is {@code JAVA_RUNTIME_VERSION},
 * else {@code FULL_VERSION} when its major version agrees with {@code JAVA_VERSION}, else {@code JAVA_VERSION}; the
 * purl is {@code pkg:generic/<vendor>/<product>@<version>} with the source repository as {@code repository_url};
 * the CPE {@code cpe:2.3:a:<vendor>:<product>:<version before '+'>:...}.
 *
 * <p>A release file that an OS package owns (Debian's {@code openjdk-17-jre-headless}, an RPM's JDK) is that
 * package's file, not a separate installation, and is not catalogued again (Syft drops such binary packages too).
 */
public record JvmRelease(String path, String vendor, String product, String version, String implementor,
    String imageType, String repositoryUrl) {

  private static final Pattern RELEASE = Pattern.compile("(?:.*/)?(?:java|jvm)/[^/]+/release");
  private static final Pattern JAVAC = Pattern.compile("(?:.*/)?(?:java|jvm)/[^/]+/bin/javac");

  /** A {@code release} file at the root of a JVM installation directory (no leading slash). */
  public static boolean isRelease(String path) {
    return RELEASE.matcher(path).matches();
  }

  /** A {@code bin/javac} of a JVM installation directory: the installation is a JDK. */
  public static boolean isJavac(String path) {
    return JAVAC.matcher(path).matches();
  }

  /** The installation directory of a release or javac path. */
  public static String installDir(String path) {
    String dir = path.substring(0, path.lastIndexOf('/'));
    return path.endsWith("/bin/javac") ? dir.substring(0, dir.lastIndexOf('/')) : dir;
  }

  /**
   * Reads a release file ({@code KEY="value"} lines); null when it names neither {@code JAVA_VERSION} nor
   * {@code JAVA_RUNTIME_VERSION} (then it is some other file called release).
   */
  public static JvmRelease parse(String path, byte[] content, boolean hasJavac) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String value = line.substring(eq + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        v.put(line.substring(0, eq).strip(), value);
      }
    }
    String javaVersion = v.get("JAVA_VERSION");
    String runtime = v.get("JAVA_RUNTIME_VERSION");
    if (blank(javaVersion) && blank(runtime)) {
      return null;
    }
    String version;
    String full = v.get("FULL_VERSION");
    if (!blank(runtime)) {
      version = runtime;
    } else if (!blank(full) && !blank(javaVersion)
        && full.split("\\.")[0].equals(javaVersion.split("\\.")[0])) {
      version = full;
    } else {
      version = javaVersion;
    }
    String implementor = v.getOrDefault("IMPLEMENTOR", "");
    String impl = implementor.toLowerCase(Locale.ROOT).replace(" ", "");
    String imageType = v.getOrDefault("IMAGE_TYPE", "");
    String jdkOrJre = hasJavac || !imageType.toLowerCase(Locale.ROOT).contains("jre") ? "jdk" : "jre";
    String vendor;
    String product;
    String abs = "/" + path;
    if (impl.contains("azul") || abs.contains("zulu")) {
      vendor = "azul";
      product = "zulu";
    } else if (impl.contains("sun")) {
      vendor = "sun";
      product = jdkOrJre;
    } else if (impl.contains("ibm") || abs.contains("/ibm")) {
      vendor = "ibm";
      product = hasJavac ? "java_sdk" : "java";
    } else if (impl.contains("oracle") || abs.contains("oracle") || v.getOrDefault("BUILD_TYPE", "").contains("commercial")) {
      vendor = "oracle";
      product = jdkOrJre;
    } else {
      vendor = "oracle";
      product = "openjdk";
    }
    String repo = !blank(v.get("SOURCE_REPO")) ? v.get("SOURCE_REPO") : blank(v.get("BUILD_SOURCE_REPO")) ? null
        : v.get("BUILD_SOURCE_REPO");
    return new JvmRelease(path, vendor, product, version, implementor, imageType, repo);
  }

  public String purl() {
    TreeMap<String, String> q = new TreeMap<>();
    if (repositoryUrl != null) {
      q.put("repository_url", repositoryUrl);
    }
    try {
      return new PackageURL("generic", vendor, product, version, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("cannot form a package URL for the JVM at " + path + ": " + e.getMessage(), e);
    }
  }

  /** The CPE 2.3 name Syft declares first for this installation (version without the build after '+'). */
  public String cpe() {
    String shortVersion = version;
    String update = "*";
    if (version.contains("_")) {
      String[] f = version.split("_", 2);
      shortVersion = f[0];
      String u = f[1].split("-")[0].replaceFirst("^0+(?=.)", "");
      update = "update" + u;
    } else if (version.contains("+")) {
      shortVersion = version.substring(0, version.indexOf('+'));
    }
    String cpeProduct = vendor.equals("oracle") && !product.equals("openjdk") ? "java_se" : product;
    return "cpe:2.3:a:" + vendor + ":" + cpeProduct + ":" + escape(shortVersion) + ":" + update + ":*:*:*:*:*:*";
  }

  private static String escape(String cpeValue) {
    return cpeValue.replaceAll("([^A-Za-z0-9._-])", "\\\\$1");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
