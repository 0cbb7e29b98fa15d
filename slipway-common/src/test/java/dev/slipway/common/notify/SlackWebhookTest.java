package dev.slipway.common.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.testkit.RecordingServer;
import dev.slipway.testkit.RecordingServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Slack webhook client against a stand-in on loopback that records every request: Block Kit content, 429 with
 * Retry-After retried, the overall time limit, Slack's error answers, and the webhook URL (a canary secret) never in
 * a result or a log line. Time runs on a clock the sleeper moves, so nothing here waits for real.
 */
class SlackWebhookTest {
  private static final String CANARY = "T0CANARY/B0CANARY/canaryWebhookSecret0123456789";
  private RecordingServer slack;
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<Duration> slept = new ArrayList<>();
  private final List<String> logged = new ArrayList<>();
  private final Redactor redactor = new Redactor();
  private SlackWebhook webhook;

  @BeforeEach
  void start() throws Exception {
    slack = new RecordingServer();
    webhook = new SlackWebhook(HttpClient.newHttpClient(), redactor, now::get, d -> {
      slept.add(d);
      now.set(now.get().plus(d));
    });
  }

  @AfterEach
  void stop() {
    slack.close();
  }

  private SlackWebhook.Target target(Channel c) {
    return new SlackWebhook.Target(c, slack.uri("/services/" + CANARY), c.defaultEnv());
  }

  private Log log() {
    return new Log() {
      @Override
      public void debug(String m) {
        logged.add(m);
      }

      @Override
      public void info(String m) {
        logged.add(m);
      }

      @Override
      public void warn(String m) {
        logged.add(m);
      }

      @Override
      public void error(String m) {
        logged.add(m);
      }
    };
  }

  private static SlackMessage message() {
    Map<String, String> fields = SlackMessage.ordered();
    fields.put("Environment", "production");
    fields.put("Image", "sha256:" + "ab".repeat(32));
    fields.put("Empty", null);
    Map<String, URI> links = SlackMessage.ordered();
    links.put("CI run", URI.create("https://ci.example/run/42"));
    return new SlackMessage("hello-service deployed to production").header("Deployed <production>")
        .fields(fields).text("failed because a < b & c").links(links);
  }

  @Test
  void aWebhookValueThatIsNoHttpUrlIsRefusedNamingItsSourceOnly() throws Exception {
    for (String bad : List.of("hooks.slack.example/services/T0/B0/canary", "ftp://hooks.slack.example/canary",
        "https:///services/canary", "https://hooks.slack.example/services/canary with space", "")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> SlackWebhook.Target.of(Channel.DEPLOYS, bad, "the environment variable SLACK_DEPLOY_URL"))
          .as(bad).isInstanceOf(dev.slipway.common.InvalidInputException.class)
          .hasMessage("the Slack deploys webhook in the environment variable SLACK_DEPLOY_URL is not an http(s) URL "
              + "(expected https://hooks.slack.com/services/...)");
    }
    assertThat(SlackWebhook.Target.of(Channel.DEPLOYS, " https://hooks.slack.example/services/T0/B0/x ", "s").url())
        .isEqualTo(URI.create("https://hooks.slack.example/services/T0/B0/x"));
  }

  @Test
  void postsBlockKitWithTheFallbackText() throws Exception {
    SlackWebhook.Delivery d = webhook.post(target(Channel.DEPLOYS), message(), now.get().plusSeconds(10));
    assertThat(d.delivered()).isTrue();
    assertThat(d.attempts()).isEqualTo(1);
    RecordingServer.Request r = slack.requests().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode body = Json.mapper().readTree(r.body());
    assertThat(body.path("text").asText()).isEqualTo("hello-service deployed to production");
    JsonNode blocks = body.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("Deployed <production>"); // plain_text
    assertThat(blocks.get(1).path("fields")).hasSize(2); // the null field is left out
    assertThat(blocks.get(1).path("fields").get(1).path("text").asText()).contains("sha256:abab");
    assertThat(blocks.get(2).path("text").path("text").asText()).isEqualTo("failed because a &lt; b &amp; c");
    assertThat(blocks.get(3).path("elements").get(0).path("text").asText())
        .isEqualTo("<https://ci.example/run/42|CI run>");
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfter() {
    AtomicInteger calls = new AtomicInteger();
    slack.answer(r -> calls.incrementAndGet() < 3
        ? new Response(429, Map.of("Retry-After", "2"), "rate_limited") : Response.of(200, "ok"));
    SlackWebhook.Delivery d = webhook.post(target(Channel.CRITICAL), message(), now.get().plusSeconds(10));
    assertThat(d.delivered()).isTrue();
    assertThat(d.attempts()).isEqualTo(3);
    assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThat(slack.requests()).hasSize(3);
    assertThat(slack.requests().get(2).body()).isEqualTo(slack.requests().get(0).body());
  }

  @Test
  void aRetryAfterBeyondTheTimeLimitIsNotWaitedFor() {
    slack.answer(r -> new Response(429, Map.of("Retry-After", "30"), "rate_limited"));
    SlackWebhook.Delivery d = webhook.post(target(Channel.DEPLOYS), message(), now.get().plusSeconds(10));
    assertThat(d.delivered()).isFalse();
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.detail()).contains("HTTP 429 rate_limited").contains("would pass the notification time limit");
    assertThat(slept).isEmpty();
  }

  @Test
  void slacksOwnErrorsAreAnswersNotRetriedAndNeverNameTheUrl() {
    slack.answer(r -> Response.of(404, "channel_not_found"));
    Notifier notifier = new Notifier(Map.of(Channel.DEPLOYS, target(Channel.DEPLOYS), Channel.GENERAL,
        target(Channel.GENERAL)), webhook, Duration.ofSeconds(10), now::get, log().redacting(redactor));
    List<SlackWebhook.Delivery> ds = notifier.send(Set.of(Channel.DEPLOYS, Channel.CRITICAL), message());
    assertThat(ds).hasSize(1); // CRITICAL has no webhook, GENERAL was not asked for
    assertThat(ds.get(0).delivered()).isFalse();
    assertThat(ds.get(0).detail()).isEqualTo("HTTP 404 channel_not_found");
    assertThat(slack.requests()).hasSize(1);
    assertThat(String.join("\n", logged)).contains("Slack deploys webhook (SLACK_WEBHOOK_DEPLOYS): not delivered")
        .doesNotContain(CANARY).doesNotContain("/services/");
  }

  @Test
  void aServerErrorIsRetriedOnceAndAnUnreachableWebhookGivesUpInTime() {
    AtomicInteger calls = new AtomicInteger();
    slack.answer(r -> calls.incrementAndGet() == 1 ? Response.of(503, "") : Response.of(200, "ok"));
    assertThat(webhook.post(target(Channel.DEPLOYS), message(), now.get().plusSeconds(10)).attempts()).isEqualTo(2);

    // a port nobody listens on: refused at once, retried once, then reported; the URL stays out of the detail
    URI dead = URI.create("http://127.0.0.1:1/services/" + CANARY);
    SlackWebhook.Delivery d = webhook.post(new SlackWebhook.Target(Channel.GENERAL, dead, "SLACK_WEBHOOK_GENERAL"),
        message(), now.get().plusSeconds(10));
    assertThat(d.delivered()).isFalse();
    assertThat(d.detail()).contains("ConnectException").doesNotContain(CANARY);
  }

  @Test
  void aNotifierWithoutWebhooksSendsNothing() {
    assertThat(Notifier.none().send(Set.of(Channel.values()), message())).isEmpty();
  }
}
