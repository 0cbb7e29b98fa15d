package dev.slipway.testkit.mojo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.Writer;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoExtension;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.model.io.xpp3.MavenXpp3Writer;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.ContainerConfiguration;
import org.codehaus.plexus.DefaultContainerConfiguration;
import org.codehaus.plexus.DefaultPlexusContainer;
import org.codehaus.plexus.PlexusConstants;
import org.codehaus.plexus.PlexusContainer;
import org.codehaus.plexus.PlexusContainerException;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The harness's {@link MojoExtension} with a real {@link MavenSession} and {@link MavenProject} instead of its mocks
 * (see {@link MojoGoalTest}). The harness takes the session from its Plexus container when the container has one;
 * Maven's {@code PluginParameterExpressionEvaluator} then reads {@code ${project.*}}, {@code ${session.*}} and
 * {@code ${settings}} from it and binds {@code property = "..."} parameters from its user properties (the {@code -D}
 * properties) before the project's {@code <properties>}, as in a real build.
 *
 * <p>One container serves every test of the JVM: a new one costs about a second (it indexes and wires every
 * component on the class path), which would make each test that slow. Its session is one object whose request,
 * current project and log are set afresh for each test, so nothing of one test is seen by the next; tests of one
 * JVM therefore run one at a time (surefire's default).
 */
public class MojoGoalExtension extends MojoExtension {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MojoGoalExtension.class);
  private static final String GROUP_ID = "dev.slipway.test";
  private static final String ARTIFACT_ID = "app";
  private static final String VERSION = "1.0.0";

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Method method = context.getRequiredTestMethod();
    InjectMojo inject = injectMojo(method);
    Path dir = Files.createTempDirectory("slipway-mojo-").toRealPath();
    context.getStore(NAMESPACE).put(Path.class, dir);

    Model model = model(inject, context.getRequiredTestClass(), dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve("pom.xml"), StandardCharsets.UTF_8)) {
      new MavenXpp3Writer().write(w, model);
    }
    MavenProject project = new MavenProject(model);
    project.setFile(dir.resolve("pom.xml").toFile());
    project.setArtifact(new DefaultArtifact(model.getGroupId(), model.getArtifactId(), model.getVersion(), null,
        model.getPackaging(), null, new DefaultArtifactHandler(model.getPackaging())));

    Properties user = new Properties();
    for (UserProperty p : AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestClass(),
        UserProperty.class)) {
      user.setProperty(p.name(), p.value());
    }
    for (UserProperty p : AnnotationSupport.findRepeatableAnnotations(method, UserProperty.class)) {
      user.setProperty(p.name(), p.value());
    }
    shared(context).begin(dir, project, user, inject == null ? List.of() : List.of(inject.goal()));
    super.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      super.afterEach(context);
    } finally {
      shared(context).end();
      Path dir = context.getStore(NAMESPACE).remove(Path.class, Path.class);
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  @Override
  public PlexusContainer getContainer(ExtensionContext context) {
    return shared(context).container;
  }

  private static Shared shared(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
  }

  /** The container, and the session, log and build it hands out to every test. */
  private static final class Shared implements AutoCloseable {
    final DefaultPlexusContainer container;
    final DefaultMavenExecutionRequest request = new DefaultMavenExecutionRequest();
    final MavenSession session;
    final MojoLog log = new MojoLog();
    final TestBuild build;

    Shared() {
      Path basedir = Path.of(getBasedir());
      Map<Object, Object> context = new HashMap<>();
      context.put("basedir", basedir.toString());
      context.put("plexus.home", basedir.resolve("target/plexus-home").toString());
      ContainerConfiguration configuration = new DefaultContainerConfiguration().setName("mojo-goal-tests")
          .setContext(context).setAutoWiring(true).setClassPathScanning(PlexusConstants.SCANNING_INDEX);
      try {
        container = new DefaultPlexusContainer(configuration);
      } catch (PlexusContainerException e) {
        throw new IllegalStateException("cannot start the Plexus container for Mojo tests", e);
      }
      container.addComponent(container, PlexusContainer.class.getName());
      session = new MavenSession(container, new DefaultRepositorySystemSession(), request,
          new DefaultMavenExecutionResult());
      build = new TestBuild(session, log);
      // the harness makes mocks only for the roles its container cannot provide
      container.addComponent(session, MavenSession.class, "default");
      container.addComponent(log, Log.class, "default");
      container.addComponent(log, MojoLog.class, "default");
      container.addComponent(build, TestBuild.class, "default");
    }

    void begin(Path dir, MavenProject project, Properties user, List<String> goals) {
      Properties system = new Properties();
      system.putAll(System.getProperties());
      // surefire hands the outer build's -D switches to the test JVM as system properties: the outer build's
      // -DskipITs (used while iterating) must not skip the goal under test, which honours it as Maven would
      for (String outer : List.of("skipTests", "skipITs", "maven.test.skip", "maven.test.skip.exec")) {
        system.remove(outer);
      }
      request.setBaseDirectory(dir.toFile());
      request.setPom(project.getFile());
      request.setUserProperties(user);
      request.setSystemProperties(system);
      request.setInteractiveMode(false);
      request.setGoals(goals);
      request.setServers(new ArrayList<>());
      request.setStartTime(new Date());
      session.setProjects(List.of(project));
      session.setCurrentProject(project);
      log.clear();
      build.begin(dir, project);
    }

    void end() {
      build.end();
      session.setCurrentProject(null);
    }

    @Override
    public void close() {
      container.dispose();
    }
  }

  private static InjectMojo injectMojo(Method method) {
    InjectMojo onMethod = method.getAnnotation(InjectMojo.class);
    if (onMethod != null) {
      return onMethod;
    }
    for (Parameter p : method.getParameters()) {
      if (p.isAnnotationPresent(InjectMojo.class)) {
        return p.getAnnotation(InjectMojo.class);
      }
    }
    return null;
  }

  /**
   * The project model from the same POM the harness takes the plugin configuration from (inline {@code <project>},
   * {@code classpath:} or a path relative to the module), with what Maven's super POM and interpolation would add:
   * coordinates when missing and the build directories under {@code dir}.
   */
  private static Model model(InjectMojo inject, Class<?> testClass, Path dir) throws Exception {
    String pom = inject == null ? "" : inject.pom();
    String xml;
    if (pom.startsWith("classpath:")) {
      try (InputStream in = testClass.getResourceAsStream(pom.substring("classpath:".length()))) {
        if (in == null) {
          throw new IllegalStateException("no POM on the class path: " + pom);
        }
        xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } else if (pom.contains("<project>")) {
      xml = pom;
    } else if (!pom.isEmpty()) {
      xml = Files.readString(Path.of(getBasedir()).resolve(pom.replaceFirst("^file:", "")));
    } else {
      xml = "<project/>";
    }
    Model model;
    try {
      model = new MavenXpp3Reader().read(new StringReader(xml), false);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable POM " + pom, e);
    }
    if (model.getModelVersion() == null) {
      model.setModelVersion("4.0.0");
    }
    if (model.getGroupId() == null) {
      model.setGroupId(GROUP_ID);
    }
    if (model.getArtifactId() == null) {
      model.setArtifactId(ARTIFACT_ID);
    }
    if (model.getVersion() == null) {
      model.setVersion(VERSION);
    }
    Build build = model.getBuild() == null ? new Build() : model.getBuild();
    model.setBuild(build);
    build.setDirectory(under(dir, build.getDirectory(), "target").toString());
    build.setOutputDirectory(under(dir, build.getOutputDirectory(), "target/classes").toString());
    build.setTestOutputDirectory(under(dir, build.getTestOutputDirectory(), "target/test-classes").toString());
    build.setSourceDirectory(under(dir, build.getSourceDirectory(), "src/main/java").toString());
    if (build.getFinalName() == null) {
      build.setFinalName(model.getArtifactId() + "-" + model.getVersion());
    }
    return model;
  }

  private static Path under(Path dir, String configured, String fallback) {
    return dir.resolve(configured == null ? fallback : configured.replace('/', File.separatorChar));
  }
}
