package dev.slipway.image.mojo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A "registry" on loopback that accepts connections and never answers: what a goal meets when a registry hangs, so
 * a test can see which {@code image.registry.timeout} the goal's client really applies.
 */
final class SilentRegistry implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  SilentRegistry() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          accepted.add(server.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-registry");
    t.setDaemon(true);
    t.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
