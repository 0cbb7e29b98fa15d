import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A stand-in service for perf.start tests: answers 200 on every path, on 127.0.0.1 and the port given as argument or
 * in the PORT environment variable.
 */
public class HealthServer {
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    String port = args.length > 0 ? args[0] : System.getenv("PORT");
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        Integer.parseInt(port)), 128);
    s.createContext("/", ex -> {
      byte[] b = "up\n".getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    System.out.println("listening on " + port);
  }
}
