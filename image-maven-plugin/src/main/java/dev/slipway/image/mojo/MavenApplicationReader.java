package dev.slipway.image.mojo;

import dev.slipway.image.sbom.Application;
import dev.slipway.image.sbom.MavenComponent;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.model.License;
import org.apache.maven.model.Model;
import org.apache.maven.model.Parent;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * The Maven side of the SBOM: turns the project's resolved runtime artifacts (compile + runtime scope, as they end
 * up in the image) into {@link MavenComponent}s. The graph comes from each artifact's dependency trail; licenses
 * and descriptions from the artifact's POM, inherited from parent POMs when the POM itself declares none (POMs are
 * read from the local repository, where resolution already put them).
 */
final class MavenApplicationReader {
  private final RepositorySystem repositorySystem;
  private final RepositorySystemSession session;
  private final List<RemoteRepository> repositories;
  private final dev.slipway.common.Log log;
  private final Map<String, Model> models = new HashMap<>();

  MavenApplicationReader(RepositorySystem repositorySystem, RepositorySystemSession session,
      List<RemoteRepository> repositories, dev.slipway.common.Log log) {
    this.repositorySystem = repositorySystem;
    this.session = session;
    this.repositories = repositories;
    this.log = log;
  }

  Application read(MavenProject project) {
    Artifact self = project.getArtifact();
    Path selfFile = self.getFile() == null ? null : self.getFile().toPath();
    if (selfFile == null || !Files.isRegularFile(selfFile)) {
      // image:sbom alone on the command line: the packaged file of an earlier `mvn package`, if there is one
      Path packaged = Path.of(project.getBuild().getDirectory(),
          project.getBuild().getFinalName() + "." + self.getArtifactHandler().getExtension());
      selfFile = Files.isRegularFile(packaged) ? packaged : null;
    }
    MavenComponent root = new MavenComponent(self.getId(), project.getGroupId(), project.getArtifactId(),
        project.getVersion(), self.getType() == null ? project.getPackaging() : self.getType(), null, null,
        selfFile, licenses(project.getModel().getLicenses()), project.getDescription(), null);
    List<MavenComponent> deps = new ArrayList<>();
    for (Artifact a : project.getArtifacts()) {
      if (!Artifact.SCOPE_COMPILE.equals(a.getScope()) && !Artifact.SCOPE_RUNTIME.equals(a.getScope())) {
        continue;
      }
      List<String> trail = a.getDependencyTrail();
      String parent = trail != null && trail.size() >= 2 ? trail.get(trail.size() - 2) : self.getId();
      Model pom = model(a.getGroupId(), a.getArtifactId(), a.getBaseVersion());
      deps.add(new MavenComponent(a.getId(), a.getGroupId(), a.getArtifactId(), a.getBaseVersion(), a.getType(),
          a.getClassifier(), a.getScope(), a.getFile() == null ? null : a.getFile().toPath(),
          pom == null ? List.of() : licenses(inheritedLicenses(pom)), pom == null ? null : pom.getDescription(),
          parent));
    }
    return new Application(root, deps);
  }

  private static List<MavenComponent.PomLicense> licenses(List<License> licenses) {
    List<MavenComponent.PomLicense> out = new ArrayList<>();
    for (License l : licenses) {
      out.add(new MavenComponent.PomLicense(l.getName(), l.getUrl()));
    }
    return out;
  }

  private List<License> inheritedLicenses(Model model) {
    Model m = model;
    for (int depth = 0; m != null && depth < 10; depth++) {
      if (!m.getLicenses().isEmpty()) {
        return m.getLicenses();
      }
      Parent p = m.getParent();
      m = p == null ? null : model(p.getGroupId(), p.getArtifactId(), p.getVersion());
    }
    return List.of();
  }

  private Model model(String groupId, String artifactId, String version) {
    String key = groupId + ":" + artifactId + ":" + version;
    if (models.containsKey(key)) {
      return models.get(key);
    }
    Model model = null;
    try {
      ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(groupId, artifactId, "", "pom", version),
          repositories, null);
      Path pom = repositorySystem.resolveArtifact(session, request).getArtifact().getFile().toPath();
      try (Reader r = Files.newBufferedReader(pom)) {
        model = new MavenXpp3Reader().read(r, false);
      }
    } catch (ArtifactResolutionException | IOException | XmlPullParserException e) {
      log.debug("no POM for " + key + " (licenses omitted): " + e.getMessage());
    }
    models.put(key, model);
    return model;
  }
}
