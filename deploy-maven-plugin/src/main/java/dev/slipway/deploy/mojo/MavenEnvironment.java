package dev.slipway.deploy.mojo;

import dev.slipway.deploy.pipeline.EnvironmentChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Profile;
import org.apache.maven.project.MavenProject;

/** Where a Maven build names the environment: the sources {@link EnvironmentChoice} decides between. */
final class MavenEnvironment {
  private MavenEnvironment() {}

  static List<EnvironmentChoice.Source> sources(MavenSession session, MavenProject project, String configured) {
    List<EnvironmentChoice.Source> out = new ArrayList<>();
    Properties user = session.getUserProperties();
    add(out, "-Denv", user.getProperty("env"));
    add(out, "-Ddeploy.env", user.getProperty("deploy.env"));
    if (user.getProperty("env") == null) {
      add(out, "system property env", System.getProperty("env"));
    }
    String fromProfiles = null;
    if (project != null) {
      for (Profile p : project.getActiveProfiles()) {
        String value = p.getProperties().getProperty("deploy.env");
        if (value != null) {
          add(out, "profile '" + p.getId() + "' (deploy.env)", value);
          fromProfiles = value;
        }
      }
      String pom = project.getProperties().getProperty("deploy.env");
      if (pom != null && !pom.equals(fromProfiles)) {
        add(out, "POM property deploy.env", pom);
      }
    }
    for (String id : requestedProfiles(session)) {
      add(out, "-P" + id, EnvironmentChoice.fromProfileId(id));
    }
    if (configured != null && out.stream().noneMatch(s -> configured.strip().equals(s.name()))) {
      add(out, "the plugin's <env>", configured);
    }
    return out;
  }

  /** The profile ids asked for with -P (Maven 3.9 and 4), including ones the project does not define. */
  @SuppressWarnings("deprecation")
  static List<String> requestedProfiles(MavenSession session) {
    try {
      List<String> ids = new ArrayList<>(session.getRequest().getActiveProfiles());
      return ids;
    } catch (RuntimeException | LinkageError e) {
      return List.of(); // a Maven without the request's profile list: the active profiles above still count
    }
  }

  private static void add(List<EnvironmentChoice.Source> out, String where, String value) {
    if (value != null && !value.isBlank()) {
      out.add(new EnvironmentChoice.Source(where, value.strip()));
    }
  }
}
