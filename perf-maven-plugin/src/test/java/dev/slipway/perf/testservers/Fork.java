package dev.slipway.perf.testservers;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The command line that runs one of these servers as a JVM of its own, quoted for {@code perf.start}. */
public final class Fork {
  private Fork() {}

  public static String command(Class<?> main, String jvmOptions, String... args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path classes;
    try {
      classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return "\"" + java + "\" " + jvmOptions + " -cp \"" + classes + "\" " + main.getName() + " "
        + String.join(" ", args);
  }
}
