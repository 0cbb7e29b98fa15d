package dev.slipway.perf.load;

import dev.slipway.common.Log;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits until a started service answers its health URL, and makes sure the answer is the service's own: when it
 * answers, the service must still run and, where this machine lets us see it ({@link LocalPorts#owner}), the socket
 * listening on the health URL's port must belong to the service. A service that died on bind while another process
 * holds the port is caught here instead of being load-tested by mistake.
 */
final class Readiness {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration EXIT_GRACE = Duration.ofSeconds(2);

  private Readiness() {}

  /**
   * Fails at once when {@code health}'s port on this machine is already taken: whatever answers there is not the
   * service that is about to start, which would die on bind.
   */
  static void requireFreePort(URI health) throws ServiceStartException {
    if (!LocalPorts.isLocal(health)) {
      return;
    }
    String taken = LocalPorts.taken(health);
    if (taken != null) {
      throw new ServiceStartException("perf.start: port " + LocalPorts.port(health) + " is already in use: " + taken
          + ". The service to start would not get it, and the load would go to whatever holds it. Stop that "
          + "process, or let Slipway pick a free port (perf.port=0, the default of the example)");
    }
  }

  /**
   * Polls {@code health} until it answers 2xx/3xx from {@code service}, at most {@code timeout}. On failure (the
   * service ended, another process answered, time ran out, the thread was interrupted) the service is stopped and
   * the exception says which, with the service's last output.
   */
  static void await(StartedService service, URI health, Duration timeout, Log log) throws ServiceStartException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      Optional<String> ended = service.ended();
      if (ended.isPresent()) {
        throw fail(service, "perf.start: " + service.describe() + " " + ended.get() + " before " + health
            + " answered. Last output:\n" + service.tail(), null);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status >= 200 && status < 400) {
          requireOwnAnswer(service, health, status);
          log.info("service is up: " + health + " answered " + status);
          return;
        }
        last = "status " + status;
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        // The build is being cancelled: say so rather than blame the service's health, stop the service, and
        // keep the interrupt for the caller.
        Thread.currentThread().interrupt();
        throw fail(service, "perf.start: interrupted while waiting for " + health + " to answer (last: " + last
            + "); " + service.describe() + " was stopped", e);
      }
    }
    throw fail(service, "perf.start: " + health + " did not become healthy within " + LoadRunner.human(timeout)
        + " (last: " + last + "). Last output:\n" + service.tail(), null);
  }

  /** The health URL answered: it must be the started service answering, not another holder of the port. */
  private static void requireOwnAnswer(StartedService service, URI health, int status)
      throws ServiceStartException {
    int port = LocalPorts.port(health);
    Optional<String> ended = service.ended();
    if (ended.isPresent()) {
      throw fail(service, "perf.start: " + health + " answered " + status + ", but " + service.describe() + " "
          + ended.get() + ": another process answers on port " + port + ". Last output of the service:\n"
          + service.tail(), null);
    }
    if (!LocalPorts.isLocal(health) || service.processes().isEmpty()) {
      return;
    }
    if (LocalPorts.owner(port, service.processes()) instanceof LocalPorts.Owner.Other other) {
      String holder = "port " + port + " belongs to pid " + other.pid()
          + (other.command().isEmpty() ? "" : " (" + other.command() + ")");
      // A service that failed to bind is usually on its way out: name its exit, the likelier cause, when it
      // comes within a moment.
      Optional<String> exit = endedWithin(service, EXIT_GRACE);
      throw fail(service, "perf.start: " + health + " answered " + status + ", but "
          + exit.map(e -> service.describe() + " " + e + ": " + holder)
              .orElseGet(() -> "not from " + service.describe() + ": " + holder)
          + ". Last output of the service:\n" + service.tail(), null);
    }
  }

  private static Optional<String> endedWithin(StartedService service, Duration grace) {
    long until = System.nanoTime() + grace.toNanos();
    Optional<String> ended = service.ended();
    while (ended.isEmpty() && System.nanoTime() < until) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      ended = service.ended();
    }
    return ended;
  }

  private static ServiceStartException fail(StartedService service, String message, Throwable cause) {
    service.close();
    return cause == null ? new ServiceStartException(message) : new ServiceStartException(message, cause);
  }
}
