package dev.slipway.image.build;

import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryCredentials;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@link ImageBuilder} needs, resolved by the caller (the Mojo): paths, the container's configuration,
 * where the image goes and with which credentials.
 *
 * @param from base image reference, or {@code scratch}
 * @param to where to push, or null to build only the OCI layout
 * @param name the repository name recorded for a layout-only build (e.g. the artifactId)
 * @param tags every tag to push, in order (the first also names the layout's image)
 * @param layoutDir where to write the multi-arch OCI layout, or null when only pushing
 * @param workDir {@code target/slipway}: caches, staging, {@code image.json}
 * @param classesDir compiled classes and resources ({@code target/classes})
 * @param mainClass the main class, or null to find it in {@code classesDir}
 * @param entrypoint replaces the java command line when not empty
 * @param registryAccess which registries may be reached over plain HTTP, and the timeouts of registry calls
 * @param toCredentials explicit credentials for the target registry, or null (Docker config and helpers are tried)
 * @param fromCredentials explicit credentials for the base image's registry, or null
 */
public record BuildConfig(
    String from,
    Set<Platform> platforms,
    ImageRef to,
    String name,
    List<String> tags,
    Path layoutDir,
    Path workDir,
    Path classesDir,
    List<Path> dependencies,
    List<Path> snapshotDependencies,
    String mainClass,
    List<String> jvmFlags,
    List<String> args,
    List<String> entrypoint,
    Map<String, String> environment,
    List<String> ports,
    String workingDirectory,
    String user,
    Map<String, String> labels,
    List<ExtraDirectory> extraDirectories,
    Instant creationTime,
    String appRoot,
    RegistryAccess registryAccess,
    RegistryCredentials toCredentials,
    RegistryCredentials fromCredentials) {

  public BuildConfig {
    platforms = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(platforms));
    tags = List.copyOf(tags);
    dependencies = List.copyOf(dependencies);
    snapshotDependencies = List.copyOf(snapshotDependencies);
    jvmFlags = List.copyOf(jvmFlags);
    args = List.copyOf(args);
    entrypoint = List.copyOf(entrypoint);
    // sorted: jib writes maps in iteration order, and Map.copyOf's order changes from one JVM to the next
    environment = sorted(environment);
    ports = List.copyOf(ports);
    labels = sorted(labels);
    extraDirectories = List.copyOf(extraDirectories);
  }

  /** A directory copied into the image at {@code into}, with octal permissions per glob of the in-image path. */
  public record ExtraDirectory(Path from, String into, Map<String, String> permissions) {
    public ExtraDirectory {
      permissions = sorted(permissions);
    }

    /**
     * Extra directories from {@code path} (into {@code /}) or {@code path:/in/image} entries, relative to
     * {@code basedir}; with none given, {@code src/main/jib} when it exists (jib's convention).
     */
    public static List<ExtraDirectory> parse(List<String> specs, Map<String, String> permissions, Path basedir) {
      List<ExtraDirectory> out = new java.util.ArrayList<>();
      for (String e : specs) {
        int colon = e.indexOf(":/");
        String src = colon < 0 ? e : e.substring(0, colon);
        String into = colon < 0 ? "/" : e.substring(colon + 1);
        out.add(new ExtraDirectory(basedir.resolve(src), into, permissions));
      }
      Path conventional = basedir.resolve("src/main/jib");
      if (out.isEmpty() && java.nio.file.Files.isDirectory(conventional)) {
        out.add(new ExtraDirectory(conventional, "/", permissions));
      }
      return out;
    }
  }

  static Map<String, String> sorted(Map<String, String> map) {
    return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(map));
  }

  public boolean isScratch() {
    return from == null || from.isBlank() || from.strip().equals("scratch");
  }

  public Path imageJson() {
    return workDir.resolve("image.json");
  }
}
