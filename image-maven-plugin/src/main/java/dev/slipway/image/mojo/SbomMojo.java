package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.Referrers;
import dev.slipway.image.sbom.ImageSbom;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.LayerCache;
import dev.slipway.common.OutputTimestamp;
import dev.slipway.image.sbom.SbomConfig;
import dev.slipway.image.sbom.SbomFormat;
import dev.slipway.image.sbom.SbomPublisher;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Writes the SBOM of the image that {@code image:build} built: CycloneDX 1.6 (JSON, optionally XML) and optionally
 * SPDX 2.3 JSON, listing the operating system packages found in the image layers (dpkg, apk, rpm) and the Maven
 * application with its runtime dependencies. The files are attached to the project (classifier {@code cyclonedx} /
 * {@code spdx}) and, when the image was pushed, to the image in the registry as OCI artifacts with the image as
 * {@code subject}.
 */
@Mojo(name = "sbom", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public class SbomMojo extends AbstractImageMojo {
  /** Skip this goal. */
  @Parameter(property = "image.sbom.skip", defaultValue = "false")
  boolean skip;

  /** The image descriptor written by image:build; default {@code ${image.workDir}/image.json}. */
  @Parameter(property = "image.imageJson")
  File imageJson;

  /**
   * Comma-separated SBOM formats: {@code cyclonedx} (= {@code cyclonedx-json}), {@code cyclonedx-xml},
   * {@code spdx} (= {@code spdx-json}).
   */
  @Parameter(property = "image.sbom.formats", defaultValue = "cyclonedx")
  String formats;

  /** Where the SBOM files go; default {@code ${image.workDir}/sbom}. */
  @Parameter(property = "image.sbom.outputDirectory")
  File outputDirectory;

  /** SBOM timestamp, for reproducible output: ISO-8601 or epoch seconds; one character means "now". */
  @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
  String outputTimestamp;

  /** Attach the SBOM files to the project, so that {@code mvn deploy} publishes them. */
  @Parameter(property = "image.sbom.attach", defaultValue = "true")
  boolean attach;

  /** When the image was pushed, attach the SBOMs to it in the registry (OCI referrers, with subject). */
  @Parameter(property = "image.sbom.attachToImage", defaultValue = "true")
  boolean attachToImage;

  /**
   * Remember what each image layer holds of the package databases, by layer digest, so unchanged base layers are
   * not read again on the next build.
   */
  @Parameter(property = "image.sbom.layerCache", defaultValue = "true")
  boolean layerCache;

  /** Where the layer cache lives (shared by all projects; entries are named by layer digest). */
  @Parameter(property = "image.sbom.layerCacheDirectory", defaultValue = "${user.home}/.cache/slipway/sbom-layers")
  File layerCacheDirectory;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  PluginDescriptor plugin;

  @Component
  MavenProjectHelper projectHelper;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:sbom skipped");
      return;
    }
    if (ranWithGoalLibraries()) {
      return;
    }
    try {
      // load the SBOM writers while image.json, the layout and the project are read
      ImageSbom.startWarmUp(SbomFormat.parseList(formats, "image.sbom.formats"));
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    File imageJson = this.imageJson != null ? this.imageJson : new File(workDir, "image.json");
    File outputDirectory = this.outputDirectory != null ? this.outputDirectory : new File(workDir, "sbom");
    try {
      BuiltImage image = BuiltImage.read(imageJson.toPath());
      Set<SbomFormat> formatSet = SbomFormat.parseList(formats, "image.sbom.formats");
      Instant timestamp = OutputTimestamp.parse(outputTimestamp, "project.build.outputTimestamp", Instant.now());
      BuiltImageAccess access = new BuiltImageAccess(image, imageJson.toString(), registryAccess(),
          registry -> registryCredentials(registry, redactor, log), log);
      ImageSource source = access.source();
      MavenApplicationReader maven = new MavenApplicationReader(repositorySystem, session.getRepositorySession(),
          project.getRemoteProjectRepositories(), log);
      SbomConfig config = new SbomConfig(image.digest(), image.repository(), image.tags(), () -> maven.read(project),
          timestamp,
          formatSet, outputDirectory.toPath(), project.getArtifactId() + "-" + project.getVersion(),
          plugin.getVersion());
      log.info("SBOM of " + image.repository() + "@" + image.digest() + " from " + source.describe());
      ImageSbom.Result result = new ImageSbom(source, log,
          layerCache ? new LayerCache(layerCacheDirectory.toPath(), log) : null).generate(config);
      log.info("SBOM: " + result.osPackages() + " OS packages, " + result.mavenComponents()
          + " Maven components");
      if (attach) {
        for (ImageSbom.Written w : result.files()) {
          projectHelper.attachArtifact(project, w.format().artifactType(), w.format().classifier(),
              w.file().toFile());
        }
      }
      if (!image.pushed()) {
        log.info("the image was not pushed: the SBOM is attached to the project only");
      } else if (attachToImage) {
        for (SbomPublisher.Attached a : new SbomPublisher(new Referrers(access.client(), log))
            .attach(image.digest(), result.files(), timestamp)) {
          log.info("SBOM " + a.format().mediaType() + " attached to " + image.repository() + "@"
              + image.digest() + " as " + a.artifactDigest());
        }
      }
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException | IllegalStateException e) {
      java.nio.file.FileSystemException file = dev.slipway.common.FileProblems.find(e);
      if (file != null) {
        java.util.Map<String, java.nio.file.Path> paths = new java.util.LinkedHashMap<>();
        paths.put("image.sbom.outputDirectory", outputDirectory.toPath());
        paths.put("image.sbom.layerCacheDirectory", layerCacheDirectory == null ? null : layerCacheDirectory.toPath());
        paths.put("image.workDir", workDir.toPath());
        throw new MojoExecutionException("image:sbom failed: "
            + redactor.redact(dev.slipway.common.FileProblems.describe(file, paths)), e);
      }
      throw new MojoExecutionException("image:sbom failed: " + redactor.redact(String.valueOf(e.getMessage())), e);
    }
  }
}
