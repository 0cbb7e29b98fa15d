package dev.slipway.perf.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The loopback ports a started service listens on: whether one is free before the service starts, and which process
 * listens on it once something answers. The second question is answered from Linux's {@code /proc} (the listening
 * socket's inode in {@code /proc/net/tcp[6]}, then the process whose file descriptors hold it); elsewhere, or
 * without the rights to look, the answer is "unknown" and callers go by the service being alive.
 */
public final class LocalPorts {
  private static final Path PROC = Path.of("/proc");

  private LocalPorts() {}

  /** Who listens on a port, as far as this machine lets us see. */
  public sealed interface Owner {
    /** One of the given processes. */
    record Ours(long pid) implements Owner {}

    /** Another process: its pid and command line (empty when unreadable). */
    record Other(long pid, String command) implements Owner {}

    /** Not known: no /proc, no rights, or the socket lives in another network namespace. */
    record Unknown(String why) implements Owner {}
  }

  /** Whether {@code url} points at this machine (loopback or one of its own names), so its port can be checked. */
  public static boolean isLocal(URI url) {
    if (url == null || url.getHost() == null) {
      return false;
    }
    String host = url.getHost();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress a = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
      return a.isLoopbackAddress() || a.isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The port of {@code url}, its scheme's default when it names none. */
  public static int port(URI url) {
    return url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  /**
   * Null when nothing listens on {@code port} of {@code url}'s host; otherwise why it is taken (something accepts
   * connections there, or the port cannot be bound).
   */
  public static String taken(URI url) {
    int port = port(url);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(url.getHost(), port), 500);
      Owner owner = owner(port, Set.of());
      return "something already accepts connections on " + url.getHost() + ":" + port
          + (owner instanceof Owner.Other o ? " (pid " + o.pid() + (o.command().isEmpty() ? "" : ": " + o.command())
              + ")" : "");
    } catch (IOException nothingAnswers) {
      // good: now make sure it can be bound too (a listener on another address of the same port blocks it)
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(url.getHost(), port), 1);
      return null;
    } catch (IOException e) {
      return "port " + port + " on " + url.getHost() + " cannot be bound (" + e.getMessage() + ")";
    }
  }

  /** A loopback port nothing listens on now. */
  public static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Who listens on TCP {@code port} (any address): one of {@code ours} (a pid of the started service or one of its
   * children), another process, or unknown.
   */
  public static Owner owner(int port, Set<Long> ours) {
    Set<String> inodes = new HashSet<>();
    try {
      for (String table : List.of("net/tcp", "net/tcp6")) {
        Path file = PROC.resolve(table);
        if (Files.isReadable(file)) {
          inodes.addAll(listeningInodes(Files.readAllLines(file), port));
        }
      }
    } catch (IOException e) {
      return new Owner.Unknown("cannot read /proc/net/tcp: " + e.getMessage());
    }
    if (inodes.isEmpty()) {
      return new Owner.Unknown("no listening socket for port " + port + " in this network namespace");
    }
    for (long pid : ours) {
      if (holds(pid, inodes)) {
        return new Owner.Ours(pid);
      }
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString()
        .matches("\\d+"))) {
      for (Path p : procs) {
        long pid = Long.parseLong(p.getFileName().toString());
        if (!ours.contains(pid) && holds(pid, inodes)) {
          return new Owner.Other(pid, command(pid));
        }
      }
    } catch (IOException | RuntimeException e) {
      return new Owner.Unknown("cannot list processes: " + e.getMessage());
    }
    return new Owner.Unknown("no process visible here holds the socket of port " + port);
  }

  /** Inodes of sockets in LISTEN state (st 0A) on {@code port}, from the lines of /proc/net/tcp or tcp6. */
  static Set<String> listeningInodes(List<String> lines, int port) {
    Set<String> out = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[1].contains(":")) {
        continue;
      }
      String local = f[1];
      if (local.substring(local.indexOf(':') + 1).equalsIgnoreCase(hexPort) && "0A".equals(f[3])) {
        out.add(f[9]);
      }
    }
    return out;
  }

  private static boolean holds(long pid, Set<String> inodes) {
    Path fds = PROC.resolve(pid + "/fd");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(fds)) {
      for (Path fd : ds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
            return true;
          }
        } catch (IOException goneOrDenied) {
          // the descriptor closed meanwhile, or is not ours to read
        }
      }
    } catch (IOException | SecurityException goneOrDenied) {
      return false;
    }
    return false;
  }

  private static String command(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).map(c -> c.length() > 200
        ? c.substring(0, 200) + "…" : c).orElse("");
  }

  /** {@code pid} and every process it started, as far as they are still there. */
  public static Set<Long> tree(long pid) {
    Set<Long> out = new HashSet<>();
    out.add(pid);
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    h.ifPresent(p -> p.descendants().forEach(d -> out.add(d.pid())));
    return out;
  }
}
