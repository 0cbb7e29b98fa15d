package dev.slipway.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback server that accepts every connection and never says a word: the registry (or any HTTP peer) that hangs
 * a client without a read/idle timeout. The accepted sockets stay open until {@link #close()}, so a client sees
 * neither an answer nor a reset.
 */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  public SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try {
        while (true) {
          accepted.add(socket.accept());
        }
      } catch (IOException closed) {
        // closed by the test
      }
    }, "silent-server");
    t.setDaemon(true);
    t.start();
  }

  /** {@code 127.0.0.1:<port>}, as a registry name. */
  public String hostPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** The connections accepted so far (a test checks the client did get through, and then waited). */
  public List<Socket> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}
