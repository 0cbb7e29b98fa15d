package dev.slipway.common.notify;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Posts to one Slack incoming webhook, within a deadline. A 429 is retried after its {@code Retry-After} when that
 * still ends before the deadline; a 5xx or a network error is retried once; anything else is an answer (Slack's
 * {@code invalid_payload}, {@code channel_not_found}, ...). Never throws and never names the URL: the webhook is a
 * secret, so results and errors name its purpose and where the URL came from.
 */
public final class SlackWebhook {
  /**
   * A webhook: what it is for, its URL (secret), and where the URL came from ({@code SLACK_WEBHOOK_DEPLOYS},
   * {@code settings.xml server 'slack-deploys'}), which is what messages name instead of the URL.
   */
  public record Target(Channel channel, URI url, String source) {
    /**
     * The webhook whose URL is the secret {@code url} from {@code source} (an environment variable or a settings.xml
     * server); anything but an absolute http(s) URL is refused naming the source, never the value.
     */
    public static Target of(Channel channel, String url, String source) throws InvalidInputException {
      URI uri;
      try {
        uri = url == null ? null : new URI(url.strip());
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new InvalidInputException("the Slack " + channel.label() + " webhook in " + source
            + " is not an http(s) URL (expected https://hooks.slack.com/services/...)");
      }
      return new Target(channel, uri, source);
    }

    @Override
    public String toString() {
      return "Slack " + channel.label() + " webhook (" + source + ")";
    }
  }

  /** What happened: delivered or not, after how many attempts, and Slack's answer or the error. */
  public record Delivery(Channel channel, String source, boolean delivered, int attempts, String detail) {}

  /** Sleeps between attempts; tests may run it on their own clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private static final int MAX_ATTEMPTS = 3;

  private final HttpClient http;
  private final Redactor redactor;
  private final Supplier<Instant> now;
  private final Sleeper sleeper;

  public SlackWebhook(Redactor redactor) {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build(), redactor, Instant::now, d -> Thread.sleep(d.toMillis()));
  }

  public SlackWebhook(HttpClient http, Redactor redactor, Supplier<Instant> now, Sleeper sleeper) {
    this.http = http;
    this.redactor = redactor;
    this.now = now;
    this.sleeper = sleeper;
  }

  /** Posts {@code message} to {@code target}, giving up at {@code deadline}. */
  public Delivery post(Target target, SlackMessage message, Instant deadline) {
    redactor.add(target.url().toString());
    byte[] body = Json.write(message.toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String last = "not sent";
    boolean retriedServerError = false;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Duration left = Duration.between(now.get(), deadline);
      if (left.isNegative() || left.isZero()) {
        return new Delivery(target.channel(), target.source(), false, attempt - 1, attempt == 1
            ? "not sent: the notification time limit was used up by the messages before it"
            : last + "; gave up at the notification time limit");
      }
      HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(left)
          .header("Content-Type", "application/json; charset=utf-8")
          .header("User-Agent", "slipway")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      Duration wait;
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        String answer = r.body() == null ? "" : r.body().strip();
        if (r.statusCode() == 200) {
          return new Delivery(target.channel(), target.source(), true, attempt, answer.isEmpty() ? "ok" : answer);
        }
        last = "HTTP " + r.statusCode() + (answer.isEmpty() ? "" : " " + clip(answer));
        if (r.statusCode() == 429) {
          wait = retryAfter(r).orElse(Duration.ofSeconds(1));
        } else if (r.statusCode() >= 500 && !retriedServerError) {
          retriedServerError = true;
          wait = Duration.ofMillis(500);
        } else {
          return new Delivery(target.channel(), target.source(), false, attempt, last);
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (retriedServerError) {
          return new Delivery(target.channel(), target.source(), false, attempt, redactor.redact(last));
        }
        retriedServerError = true;
        wait = Duration.ofMillis(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Delivery(target.channel(), target.source(), false, attempt, "interrupted");
      }
      if (attempt == MAX_ATTEMPTS) {
        break;
      }
      if (now.get().plus(wait).isAfter(deadline)) {
        return new Delivery(target.channel(), target.source(), false, attempt, last + "; retrying after "
            + wait.toMillis() + " ms would pass the notification time limit");
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Delivery(target.channel(), target.source(), false, attempt, "interrupted");
      }
    }
    return new Delivery(target.channel(), target.source(), false, MAX_ATTEMPTS, redactor.redact(last));
  }

  private static java.util.Optional<Duration> retryAfter(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    });
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
