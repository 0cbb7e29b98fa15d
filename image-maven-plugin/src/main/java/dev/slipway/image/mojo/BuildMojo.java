package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.OutputTimestamp;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.git.GitInfo;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.build.BuildConfig;
import dev.slipway.image.build.ImageBuildException;
import dev.slipway.image.build.ImageBuilder;
import dev.slipway.image.build.OciLabels;
import dev.slipway.image.build.Platforms;
import dev.slipway.image.build.TagPolicy;
import dev.slipway.image.registry.ImageRef;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.codehaus.plexus.configuration.PlexusConfiguration;
import org.apache.maven.model.License;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Builds a multi-platform container image of the project with jib-core (dependencies, snapshot dependencies,
 * resources and classes in separate layers), writes it as an OCI image layout and/or pushes it to a registry, and
 * records what was built in {@code target/slipway/image.json}.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true,
    requiresDependencyResolution = ResolutionScope.RUNTIME)
public class BuildMojo extends AbstractImageMojo {

  /** Skip this goal (image.skip skips every image goal). */
  @Parameter(property = "image.build.skip", defaultValue = "false")
  boolean skip;

  /** Base image reference, or {@code scratch} (no base layers, nothing to pull). */
  @Parameter(property = "image.from", defaultValue = "scratch")
  String from;

  /** Platforms to build, comma-separated {@code os/arch}. */
  @Parameter(property = "image.platforms", defaultValue = "linux/amd64,linux/arm64")
  String platforms;

  /** Registry image to push to, e.g. {@code registry.example.com/team/app}; a tag in it is pushed too. */
  @Parameter(property = "image.to")
  String to;

  /** Extra tags, comma-separated, pushed besides the derived ones. */
  @Parameter(property = "image.tags")
  List<String> tags;

  /**
   * Where to write the multi-platform OCI image layout. Defaults to {@code target/slipway/image} when
   * {@code image.to} is not set; with {@code image.to} a layout is written only when this is set.
   */
  @Parameter(property = "image.layout")
  File layout;

  /** Repository name recorded for a build that is not pushed. */
  @Parameter(property = "image.name", defaultValue = "${project.artifactId}")
  String name;

  /** Main class; by default the jar manifest's {@code Main-Class}, else the one class with a main method. */
  @Parameter(property = "image.mainClass")
  String mainClass;

  /** JVM flags for the java command line. */
  @Parameter(property = "image.jvmFlags")
  List<String> jvmFlags;

  /** Program arguments (the image's CMD). */
  @Parameter(property = "image.args")
  List<String> args;

  /** Replaces the java command line entirely (the image's ENTRYPOINT). */
  @Parameter(property = "image.entrypoint")
  List<String> entrypoint;

  /**
   * Environment variables: {@code <environment><env>NAME=value</env></environment>}, jib's map form
   * {@code <environment><NAME>value</NAME></environment>}, or {@code -Dimage.environment=A=1,B=2}.
   */
  @Parameter(property = "image.environment")
  PlexusConfiguration environment;

  /** Exposed ports: {@code 8080}, {@code 9000-9002}, {@code 53/udp}. */
  @Parameter(property = "image.ports")
  List<String> ports;

  /** Working directory inside the image. */
  @Parameter(property = "image.workingDirectory")
  String workingDirectory;

  /** User the container runs as; non-root by default (the distroless {@code nonroot} id). */
  @Parameter(property = "image.user", defaultValue = "65532")
  String user;

  /** Where the application goes inside the image. */
  @Parameter(property = "image.appRoot", defaultValue = "/app")
  String appRoot;

  /**
   * Extra labels, overriding the derived {@code org.opencontainers.image.*} ones: {@code <labels><label>key=value
   * </label></labels>}, jib's map form {@code <labels><key>value</key></labels>}, or {@code -Dimage.labels=k=v,...}.
   */
  @Parameter(property = "image.labels")
  PlexusConfiguration labels;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true)
  MojoExecution mojoExecution;

  /** Directories copied into the image: {@code path} (to {@code /}) or {@code path:/in/image}. */
  @Parameter(property = "image.extraDirectories")
  List<String> extraDirectories;

  /** Permissions of extra files as {@code glob=octal}, the glob over in-image paths, e.g. {@code /app/bin/*=755}. */
  @Parameter(property = "image.extraDirectoryPermissions")
  List<String> extraDirectoryPermissions;

  /**
   * Image creation time: an ISO-8601 instant, {@code now}, or empty for {@code project.build.outputTimestamp}
   * (the epoch when that is unset), so that two builds of one commit give the same digest.
   */
  @Parameter(property = "image.creationTime")
  String creationTime;

  /** Registry user name for {@code image.from}, with the password from image.from.passwordEnv or passwordFile. */
  @Parameter(property = "image.from.username")
  String fromUsername;

  /** The name of the environment variable that holds the password for {@code image.from}'s registry. */
  @Parameter(property = "image.from.passwordEnv")
  String fromPasswordEnv;

  /** A file that holds the password for {@code image.from}'s registry. */
  @Parameter(property = "image.from.passwordFile")
  File fromPasswordFile;

  /** The id of the settings.xml {@code <server>} with the login for {@code image.from}'s registry. */
  @Parameter(property = "image.from.server")
  String fromServer;

  /**
   * Deprecated: the password for {@code image.from} itself, which Maven prints under {@code -X}. Use
   * {@code image.from.passwordEnv}, {@code image.from.passwordFile} or a settings.xml server.
   */
  @Deprecated
  @Parameter(property = "image.from.password")
  String fromPassword;

  /** Derive tags from git (branch, short commit, semver, latest). */
  @Parameter(property = "image.gitTags", defaultValue = "true")
  boolean gitTags;

  /** Tag {@code latest} on this branch. */
  @Parameter(property = "image.defaultBranch", defaultValue = "main")
  String defaultBranch;

  /** Tag {@code latest} when building the default branch. */
  @Parameter(property = "image.tagLatest", defaultValue = "true")
  boolean tagLatest;

  @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
  String outputTimestamp;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:build skipped (" + (skip ? "image.build.skip" : "image.skip") + ")");
      return;
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    try {
      BuildConfig config = config(redactor, log);
      BuiltImage image = new ImageBuilder(log).build(config);
      log.info("Built " + image.reference() + (image.pushed() ? " (pushed)" : "")
          + " for " + image.platforms().stream().map(BuiltImage.Platform::name).toList());
    } catch (InvalidInputException e) {
      throw new MojoFailureException(redactor.redact(e.getMessage()), e);
    } catch (ImageBuildException e) {
      throw new MojoExecutionException(redactor.redact(e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted", e);
    } catch (IOException | RuntimeException e) {
      java.nio.file.FileSystemException file = dev.slipway.common.FileProblems.find(e);
      if (file != null) {
        Map<String, Path> paths = new LinkedHashMap<>();
        paths.put("image.layout", layout == null ? null : layout.toPath());
        paths.put("image.workDir", workDir.toPath());
        throw new MojoExecutionException(redactor.redact(dev.slipway.common.FileProblems.describe(file, paths)), e);
      }
      throw new MojoExecutionException(redactor.redact(String.valueOf(e.getMessage())), e);
    }
  }

  BuildConfig config(Redactor redactor, Log log) throws InvalidInputException, IOException {
    ImageRef target = to == null || to.isBlank() ? null : ImageRef.parse(to, "image.to");
    if (target != null && target.digest() != null) {
      throw new InvalidInputException("image.to = '" + to + "' names a digest: push targets take a repository and "
          + "optionally a tag (the digest is the result of the build)");
    }
    Path layoutDir = layout != null ? layout.toPath()
        : target == null ? workDir.toPath().resolve("image") : null;
    Instant created = creationTime(creationTime, outputTimestamp);
    // git feeds the revision and source labels always, the tags only with image.gitTags
    Optional<GitInfo> git = GitInfo.read(project.getBasedir().toPath(), System.getenv());

    List<String> explicit = new ArrayList<>();
    if (target != null && target.tag() != null) {
      explicit.add(target.tag());
    }
    explicit.addAll(split(tags));
    List<String> allTags = TagPolicy.resolve(explicit, gitTags ? git : Optional.empty(),
        new TagPolicy.Settings(true, true, true, tagLatest, defaultBranch), project.getVersion());
    if (target != null && target.tag() != null) {
      target = target.withTag(null);
    }

    List<Path> deps = new ArrayList<>();
    List<Path> snapshots = new ArrayList<>();
    for (Artifact a : project.getArtifacts()) {
      if (a.getFile() == null || !a.getArtifactHandler().isAddedToClasspath()) {
        continue;
      }
      (a.isSnapshot() ? snapshots : deps).add(a.getFile().toPath());
    }

    KeyValueParameter.Evaluator evaluator = evaluator();
    Map<String, String> overrides = KeyValueParameter.parse(labels, evaluator, "image.labels",
        KeyValueParameter.LABEL_ITEMS);
    String baseName = "scratch".equals(from.strip()) ? null : from.strip();
    Map<String, String> allLabels = OciLabels.of(projectInfo(), git, created, baseName, null, overrides);

    List<BuildConfig.ExtraDirectory> extras = BuildConfig.ExtraDirectory.parse(split(extraDirectories),
        keyValues(extraDirectoryPermissions, "image.extraDirectoryPermissions"), project.getBasedir().toPath());

    String registry = target != null ? target.registry() : null;
    return new BuildConfig(from, Platforms.parse(platforms), target, name, allTags, layoutDir, workDir.toPath(),
        Path.of(project.getBuild().getOutputDirectory()), deps, snapshots,
        mainClass != null ? mainClass : manifestMainClass(), list(jvmFlags), list(args), list(entrypoint),
        KeyValueParameter.parse(environment, evaluator, "image.environment", KeyValueParameter.ENVIRONMENT_ITEMS),
        split(ports), workingDirectory, user, allLabels, extras,
        created, appRoot, registryAccess(),
        registry == null ? null : registryCredentials(registry, redactor, log),
        baseName == null ? null : MavenCredentials.resolve(ImageRef.parse(from, "image.from").registry(),
            new MavenCredentials.Parameters("image.from", fromUsername, fromPasswordEnv,
                fromPasswordFile == null ? null : fromPasswordFile.toPath(), fromServer, fromPassword),
            false, settings, decrypter, System.getenv(), redactor, log));
  }

  /** Maven's own parameter evaluation, for the raw configuration of environment and labels. */
  private KeyValueParameter.Evaluator evaluator() {
    if (session == null || mojoExecution == null) {
      return expression -> expression;
    }
    PluginParameterExpressionEvaluator maven = new PluginParameterExpressionEvaluator(session, mojoExecution);
    return maven::evaluate;
  }

  private OciLabels.ProjectInfo projectInfo() {
    List<String> licenses = new ArrayList<>();
    for (License l : project.getLicenses()) {
      if (l.getName() != null) {
        licenses.add(l.getName());
      }
    }
    return new OciLabels.ProjectInfo(project.getName(), project.getDescription(), project.getVersion(),
        project.getUrl(), project.getScm() != null ? project.getScm().getUrl() : null, licenses,
        project.getOrganization() != null ? project.getOrganization().getName() : null);
  }

  /** The Main-Class of the project's jar when {@code package} already built it. */
  private String manifestMainClass() {
    File jar = project.getArtifact() != null ? project.getArtifact().getFile() : null;
    if (jar == null || !jar.isFile() || !jar.getName().endsWith(".jar")) {
      return null;
    }
    try (JarFile jf = new JarFile(jar)) {
      return jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Main-Class");
    } catch (IOException e) {
      return null;
    }
  }

  static Instant creationTime(String configured, String outputTimestamp) throws InvalidInputException {
    if (configured != null && !configured.isBlank()) {
      String value = configured.strip();
      if (value.equalsIgnoreCase("now")) {
        return Instant.now();
      }
      if (value.equalsIgnoreCase("epoch")) {
        return Instant.EPOCH;
      }
      return OutputTimestamp.parse(value, "image.creationTime", Instant.EPOCH);
    }
    // unset (or Maven's one-character "off") means the epoch: images stay reproducible unless asked otherwise
    return OutputTimestamp.parse(outputTimestamp, "project.build.outputTimestamp", Instant.EPOCH);
  }

  /** Entries of a list parameter, each possibly comma-separated (as -D gives them), trimmed, empties dropped. */
  static List<String> split(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        if (v == null) {
          continue;
        }
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.strip());
          }
        }
      }
    }
    return out;
  }

  /** Entries kept whole (arguments and flags may contain commas only when given in the POM). */
  static List<String> list(List<String> values) {
    return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).toList();
  }

  static Map<String, String> keyValues(List<String> values, String parameter) throws InvalidInputException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String v : list(values)) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException(parameter + ": '" + v + "' is not KEY=value");
      }
      out.put(v.substring(0, eq).strip(), v.substring(eq + 1).strip());
    }
    return out;
  }
}
