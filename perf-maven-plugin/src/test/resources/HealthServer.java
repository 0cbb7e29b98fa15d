import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A stand-in service for perf.start tests: answers 200 on every path, on 127.0.0.1 and the port given. */
public class HealthServer {
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        Integer.parseInt(args[0])), 128);
    s.createContext("/", ex -> {
      byte[] b = "up\n".getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    System.out.println("listening on " + args[0]);
  }
}
