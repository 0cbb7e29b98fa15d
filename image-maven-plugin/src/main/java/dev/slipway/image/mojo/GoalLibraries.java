package dev.slipway.image.mojo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.ContextEnabled;
import org.apache.maven.plugin.Mojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

/**
 * The libraries that only image:sbom, image:scan, image:sign and image:verify use (Sigstore, the AWS SDK, Bouncy
 * Castle, CycloneDX, SQLite, Testcontainers) are "provided" in the plugin's POM, so that Maven leaves them out of the
 * class realm it builds for every image goal on every invocation. Those four goals load them here: the plugin's
 * run-time graph, written into the jar by its build ({@value #LIST}), is resolved through Maven's repository system
 * (local repository first, the plugin repositories when missing) and put with the plugin jar into a class loader of
 * its own, which asks its parent (the plugin realm) only for the JDK's and Maven's classes. The goal then runs again
 * as its twin from that loader, with the same parameter values.
 *
 * <p>Where the libraries are already visible (the plugin's unit tests, or a POM that adds them as plugin
 * dependencies) the goal runs where it is.
 */
final class GoalLibraries {
  static final String LIST = "META-INF/slipway/image-maven-plugin.dependencies";

  /** One class of each provided library family: when all are visible, nothing needs loading. */
  private static final List<String> PROBES = List.of("dev.sigstore.KeylessSigner",
      "software.amazon.awssdk.services.kms.KmsClient", "org.bouncycastle.jce.provider.BouncyCastleProvider",
      "org.cyclonedx.model.Bom", "org.sqlite.JDBC", "org.testcontainers.DockerClientFactory");

  /** Asked of the parent first: the JDK and the Maven API that the twin shares with the plugin realm. */
  private static final List<String> SHARED = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.",
      "org.xml.", "org.ietf.", "org.apache.maven.", "org.codehaus.plexus.", "org.eclipse.aether.",
      "org.eclipse.sisu.", "com.google.inject.", "org.slf4j.");

  /** One loader per plugin realm (this class is loaded once per realm), kept for every later goal of the build. */
  private static ClassLoader loader;

  private GoalLibraries() {}

  /** True when this goal must run as a twin: the provided libraries are not visible from the plugin realm. */
  static boolean missing(ClassLoader realm) {
    for (String probe : PROBES) {
      try {
        Class.forName(probe, false, realm);
      } catch (ClassNotFoundException | LinkageError e) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code mojo}'s twin from the loader with the libraries: a new instance of the same class, every field
   * (parameters and components) copied, the same log and plugin context, the thread's context class loader set to
   * the twin's for the libraries that look classes up there.
   */
  static void runTwin(AbstractMojo mojo, RepositorySystem system, RepositorySystemSession session,
      List<RemoteRepository> repositories) throws MojoExecutionException, MojoFailureException {
    ClassLoader twinLoader = loader(mojo, system, session, repositories);
    Mojo twin;
    try {
      Class<?> type = Class.forName(mojo.getClass().getName(), true, twinLoader);
      twin = (Mojo) type.getDeclaredConstructor().newInstance();
      for (Class<?> from = mojo.getClass(), to = type; from != AbstractMojo.class;
          from = from.getSuperclass(), to = to.getSuperclass()) {
        for (Field field : from.getDeclaredFields()) {
          if (Modifier.isStatic(field.getModifiers())) {
            continue;
          }
          Field target = to.getDeclaredField(field.getName());
          field.setAccessible(true);
          target.setAccessible(true);
          target.set(twin, field.get(mojo));
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new MojoExecutionException("image: could not start " + mojo.getClass().getSimpleName()
          + " with its libraries: " + e, e);
    }
    twin.setLog(mojo.getLog());
    ((ContextEnabled) twin).setPluginContext(mojo.getPluginContext());
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(twinLoader);
    try {
      twin.execute();
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  private static synchronized ClassLoader loader(AbstractMojo mojo, RepositorySystem system,
      RepositorySystemSession session, List<RemoteRepository> repositories) throws MojoExecutionException {
    if (loader != null) {
      return loader;
    }
    Class<?> mojoClass = mojo.getClass();
    ClassLoader realm = mojoClass.getClassLoader();
    List<ArtifactRequest> requests = new ArrayList<>();
    for (String coordinates : read(realm)) {
      requests.add(new ArtifactRequest(new DefaultArtifact(coordinates), repositories, "image-maven-plugin"));
    }
    List<URL> urls = new ArrayList<>();
    try {
      urls.add(mojoClass.getProtectionDomain().getCodeSource().getLocation());
      for (ArtifactResult result : system.resolveArtifacts(session, requests)) {
        urls.add(result.getArtifact().getFile().toURI().toURL());
      }
    } catch (ArtifactResolutionException e) {
      throw new MojoExecutionException("image: the libraries of this goal could not be resolved (" + e.getMessage()
          + "). They come from the plugin repositories like the plugin itself; in offline mode (-o) they must be in "
          + "the local repository: run the goal once online", e);
    } catch (MalformedURLException | RuntimeException e) {
      throw new MojoExecutionException("image: the libraries of this goal could not be loaded: " + e, e);
    }
    mojo.getLog().debug("image: " + (urls.size() - 1) + " libraries loaded for the sbom, scan, sign and verify goals");
    loader = new TwinLoader(urls.toArray(URL[]::new), realm);
    return loader;
  }

  /**
   * The coordinates ({@code group:artifact:extension[:classifier]:version}) of the plugin's run-time graph, read
   * from {@value #LIST} ({@code maven-dependency-plugin:list} output: {@code group:artifact:type[:classifier]:version:scope},
   * test scope left out).
   */
  static List<String> read(ClassLoader realm) throws MojoExecutionException {
    List<String> coordinates = new ArrayList<>();
    try (InputStream in = realm.getResourceAsStream(LIST)) {
      if (in == null) {
        throw new MojoExecutionException("image: " + LIST + " is missing from the plugin jar: the plugin was not "
            + "built by its own POM (mvn package writes it)");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        String entry = line.strip();
        int module = entry.indexOf(" -- ");
        if (module >= 0) {
          entry = entry.substring(0, module).strip();
        }
        String[] parts = entry.split(":");
        if (parts.length < 5 || parts.length > 6 || entry.contains(" ")) {
          continue; // the header and blank lines
        }
        String scope = parts[parts.length - 1];
        if (scope.equals("test")) {
          continue;
        }
        String extension = parts[2].equals("test-jar") ? "jar" : parts[2];
        coordinates.add(parts.length == 6
            ? parts[0] + ":" + parts[1] + ":" + extension + ":" + parts[3] + ":" + parts[4]
            : parts[0] + ":" + parts[1] + ":" + extension + ":" + parts[3]);
      }
    } catch (IOException e) {
      throw new MojoExecutionException("image: could not read " + LIST + " from the plugin jar: " + e.getMessage(),
          e);
    }
    return coordinates;
  }

  /** Its own classes first; the JDK's and Maven's from the plugin realm. */
  static final class TwinLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    TwinLoader(URL[] urls, ClassLoader parent) {
      super("slipway-image-goal-libraries", urls, parent);
    }

    private static boolean shared(String name) {
      for (String prefix : SHARED) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (shared(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null) {
          try {
            type = findClass(name);
          } catch (ClassNotFoundException e) {
            type = getParent().loadClass(name);
          }
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }

    @Override
    public URL getResource(String name) {
      URL own = findResource(name);
      return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      Enumeration<URL> own = findResources(name);
      if (own.hasMoreElements()) {
        return own;
      }
      return getParent() == null ? Collections.emptyEnumeration() : getParent().getResources(name);
    }
  }
}
