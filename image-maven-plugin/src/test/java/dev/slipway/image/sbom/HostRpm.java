package dev.slipway.image.sbom;

import dev.slipway.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real rpm databases for tests, made by the real rpm (Debian's {@code rpm} package, 4.18): small packages built with
 * {@code rpmbuild} from spec files and installed ({@code --justdb}) into an SQLite database, the format of Amazon
 * Linux 2023, RHEL/UBI 9 and Fedora; and what {@code rpm -qa} says about such a database.
 */
final class HostRpm {
  static final String QUERY_FORMAT =
      "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}\\n";

  private HostRpm() {}

  /** Builds each spec and installs the packages into {@code dir/db}; returns that database directory. */
  static Path database(Path dir, List<String> specs) throws IOException, InterruptedException {
    Tools.require("rpmbuild", "rpm");
    Path top = dir.resolve("top");
    for (String sub : List.of("SPECS", "BUILD", "RPMS", "SRPMS", "SOURCES", "BUILDROOT")) {
      Files.createDirectories(top.resolve(sub));
    }
    for (int i = 0; i < specs.size(); i++) {
      Path spec = Files.writeString(top.resolve("SPECS/p" + i + ".spec"), specs.get(i));
      run(List.of("rpmbuild", "--define", "_topdir " + top, "-bb", spec.toString()));
    }
    List<String> rpms = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(top.resolve("RPMS"))) {
      walk.filter(p -> p.toString().endsWith(".rpm")).sorted().forEach(p -> rpms.add(p.toString()));
    }
    Path db = Files.createDirectories(dir.resolve("db"));
    List<String> install = new ArrayList<>(List.of("rpm", "--dbpath", db.toString(), "--define",
        "_db_backend sqlite", "-i", "--nodeps", "--justdb", "--ignorearch", "--ignoreos"));
    install.addAll(rpms);
    run(install);
    return db;
  }

  /** {@code rpm -qa} on the database in {@code db}, one {@link #QUERY_FORMAT} line per package. */
  static TreeSet<String> queryAll(Path db) throws IOException, InterruptedException {
    String out = run(List.of("rpm", "--dbpath", db.toString(), "--define", "_db_backend sqlite", "-qa",
        "--queryformat", QUERY_FORMAT));
    TreeSet<String> lines = new TreeSet<>();
    for (String line : out.split("\n")) {
      if (line.contains("|")) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}
