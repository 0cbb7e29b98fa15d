package dev.slipway.image.sbom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Ground truth from the host: slices of its real dpkg database and what dpkg-query says about a database. */
final class HostDpkg {
  static final Path STATUS = Path.of("/var/lib/dpkg/status");

  private HostDpkg() {}

  /** The raw stanzas of the host's dpkg status file, as text blocks without the separating blank line. */
  static List<String> stanzas() throws IOException {
    String all = Files.readString(STATUS, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String block : all.split("\n\n+")) {
      if (!block.isBlank()) {
        out.add(block.strip());
      }
    }
    return out;
  }

  /** {@code count} stanzas spread over the whole database, always including a Multi-Arch: same package. */
  static List<String> slice(int count) throws IOException {
    List<String> all = stanzas();
    List<String> out = new ArrayList<>();
    int step = Math.max(1, all.size() / count);
    for (int i = 0; i < all.size() && out.size() < count - 1; i += step) {
      out.add(all.get(i));
    }
    all.stream().filter(s -> s.contains("\nMulti-Arch: same") && !out.contains(s)).findFirst().ifPresent(out::add);
    return out;
  }

  static String join(List<String> stanzas) {
    return String.join("\n\n", stanzas) + "\n";
  }

  /** One installed package as dpkg-query reports its source: {@code ${source:Package}} and {@code ${source:Version}}. */
  record Source(String name, String version, String arch, String sourceName, String sourceVersion) {}

  /**
   * The source package dpkg-query derives for every installed package of the database in {@code admindir}
   * (which holds a {@code status} file), keyed by "name arch".
   */
  static java.util.Map<String, Source> dpkgQuerySources(Path admindir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("dpkg-query", "--admindir=" + admindir, "-W",
        "-f=${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Status}\n")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("dpkg-query failed: " + out);
    }
    java.util.Map<String, Source> sources = new java.util.TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 6 && f[5].equals("installed")) {
        sources.put(f[0] + " " + f[2], new Source(f[0], f[1], f[2], f[3], f[4]));
      }
    }
    return sources;
  }

  /**
   * What {@code dpkg-query -W --admindir=<dir>} lists as installed for a database holding {@code status}:
   * "name version arch" lines.
   */
  static TreeSet<String> dpkgQueryInstalled(String status, Path scratch) throws IOException, InterruptedException {
    Path admin = Files.createDirectories(scratch.resolve("admindir-" + System.nanoTime()));
    Files.writeString(admin.resolve("status"), status);
    Process p = new ProcessBuilder("dpkg-query", "--admindir=" + admin, "-W",
        "-f=${Package} ${Version} ${Architecture} ${db:Status-Status}\\n")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("dpkg-query failed: " + out);
    }
    TreeSet<String> installed = new TreeSet<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length == 4 && f[3].equals("installed")) {
        installed.add(f[0] + " " + f[1] + " " + f[2]);
      }
    }
    return installed;
  }
}
