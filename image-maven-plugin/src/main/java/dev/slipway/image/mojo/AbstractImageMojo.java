package dev.slipway.image.mojo;

import dev.slipway.common.Redactor;
import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.registry.RegistryCredentials;
import java.io.File;
import java.util.List;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

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

  /** Registry user name (prefer a settings.xml server whose id is the registry). */
  @Parameter(property = "image.username")
  String username;

  /** Registry password; never logged. */
  @Parameter(property = "image.password")
  String password;

  @Parameter(defaultValue = "${project}", readonly = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true)
  MavenSession session;

  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  @Component
  SettingsDecrypter decrypter;

  /**
   * Credentials for {@code registry}: image.username/password, SLIPWAY_REGISTRY_USERNAME/PASSWORD, or a settings.xml
   * server; null when none applies (the registry client then goes anonymous or to Docker's credentials).
   */
  RegistryCredentials registryCredentials(String registry, Redactor redactor) {
    return MavenCredentials.resolve(registry, username, password, settings, decrypter, System.getenv(), redactor);
  }

  /** The insecure-registry list, with comma-separated entries split. */
  List<String> insecureRegistries() {
    return BuildMojo.split(insecureRegistries);
  }

}
