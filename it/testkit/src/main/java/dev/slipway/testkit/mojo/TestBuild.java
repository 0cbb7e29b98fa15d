package dev.slipway.testkit.mojo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;

/**
 * The in-process build a {@link MojoGoalTest} runs a goal in: the project directory (a fresh temporary directory
 * holding only {@code pom.xml}), the project, the session and the Mojo's log. Inject it with
 * {@code @Inject TestBuild build}; it always describes the test that is running.
 */
public final class TestBuild {
  private final MavenSession session;
  private final MojoLog log;
  private volatile Path dir;
  private volatile MavenProject project;

  TestBuild(MavenSession session, MojoLog log) {
    this.session = session;
    this.log = log;
  }

  void begin(Path dir, MavenProject project) {
    this.dir = dir;
    this.project = project;
  }

  void end() {
    this.dir = null;
    this.project = null;
  }

  /** The project's base directory. */
  public Path dir() {
    return dir;
  }

  public MavenProject project() {
    return project;
  }

  public MavenSession session() {
    return session;
  }

  public MojoLog log() {
    return log;
  }

  /** {@code path} resolved against the project directory. */
  public Path path(String path) {
    return dir.resolve(path);
  }

  /**
   * Every file and directory under the project directory except {@code pom.xml}, relative and sorted: empty as long
   * as a goal wrote nothing (what a skipped goal must leave behind).
   */
  public List<String> written() {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !p.equals(dir) && !p.equals(dir.resolve("pom.xml")))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
