package dev.slipway.image.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.registry.RegistryCredentials;
import java.io.File;
import java.util.List;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.RepositorySystem;

/** Parameters every image goal shares: the skip switch, the work directory, and how to reach registries. */
abstract class AbstractImageMojo extends AbstractMojo {
  /** Skip every image goal. */
  @Parameter(property = "image.skip", defaultValue = "false")
  boolean skipAll;

  /** Where image.json, SBOMs, reports, signatures and caches go. */
  @Parameter(property = "image.workDir", defaultValue = "${project.build.directory}/slipway")
  File workDir;

  /** Registries ({@code host[:port]}) that may be reached over plain HTTP, e.g. {@code 127.0.0.1:5000}. */
  @Parameter(property = "image.insecureRegistries")
  List<String> insecureRegistries;

  /**
   * Registry user name, with the password from {@code image.passwordEnv} or {@code image.passwordFile} (or use a
   * settings.xml server, {@code image.server} or one whose id is the registry).
   */
  @Parameter(property = "image.username")
  String username;

  /** The name of the environment variable that holds the registry password (never the password itself). */
  @Parameter(property = "image.passwordEnv")
  String passwordEnv;

  /** A file that holds the registry password (its first line; surrounding white space is ignored). */
  @Parameter(property = "image.passwordFile")
  File passwordFile;

  /** The id of the settings.xml {@code <server>} with the registry login (default: a server whose id is the registry). */
  @Parameter(property = "image.server")
  String server;

  /**
   * Deprecated: the registry password itself, which Maven prints under {@code -X}. Use {@code image.passwordEnv},
   * {@code image.passwordFile} or a settings.xml server.
   */
  @Deprecated
  @Parameter(property = "image.password")
  String password;

  /**
   * How long a registry may go without answering or taking data before a call fails ({@code 30s}, {@code 2m}); a
   * slow upload that keeps moving is never cut off.
   */
  @Parameter(property = "image.registry.timeout", defaultValue = "30s")
  String registryTimeout;

  /** How long opening a connection to a registry may take. */
  @Parameter(property = "image.registry.connectTimeout", defaultValue = "10s")
  String registryConnectTimeout;

  @Parameter(defaultValue = "${project}", readonly = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true)
  MavenSession session;

  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  @Component
  SettingsDecrypter decrypter;

  @Component
  RepositorySystem repositorySystem;

  /**
   * Credentials for {@code registry} (see {@link MavenCredentials#resolve(String, MavenCredentials.Parameters, boolean,
   * Settings, SettingsDecrypter, java.util.Map, Redactor, Log)}); null when none applies (the registry client then goes
   * anonymous or to Docker's credentials).
   */
  RegistryCredentials registryCredentials(String registry, Redactor redactor, Log log) throws InvalidInputException {
    return MavenCredentials.resolve(registry, new MavenCredentials.Parameters("image", username, passwordEnv,
            passwordFile == null ? null : passwordFile.toPath(), server, password), true, settings, decrypter,
        System.getenv(), redactor, log);
  }

  /**
   * For the goals whose libraries are left out of the plugin realm ({@link GoalLibraries}): when they are not
   * visible here, runs this goal's twin with them and answers true (the caller then returns at once).
   */
  boolean ranWithGoalLibraries() throws MojoExecutionException, MojoFailureException {
    if (!GoalLibraries.missing(getClass().getClassLoader())) {
      return false;
    }
    GoalLibraries.runTwin(this, repositorySystem, session.getRepositorySession(),
        project.getRemotePluginRepositories());
    return true;
  }

  /** The insecure-registry list, with comma-separated entries split. */
  List<String> insecureRegistries() {
    return BuildMojo.split(insecureRegistries);
  }

  /** How this goal reaches registries: plain HTTP for the listed ones, and the timeouts. */
  RegistryAccess registryAccess() throws InvalidInputException {
    return RegistryAccess.fromParameters(insecureRegistries(), registryTimeout, "image.registry.timeout",
        registryConnectTimeout, "image.registry.connectTimeout");
  }
}
