package dev.slipway.deploy.checks;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The service under test, seen over HTTP. One implementation: {@link JdkHttpProbe}. */
public interface HttpProbe {
  /** The answer to one request: status, body (possibly truncated) and how long it took. */
  record Response(int status, String body, Duration latency) {}

  Response send(String method, URI uri, Duration timeout) throws IOException, InterruptedException;
}
