package dev.slipway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class LocalRegistryTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void plainRegistryAnswersV2AndStopsCleanly() throws Exception {
    LocalRegistry registry = LocalRegistry.plain().start();
    URI v2 = registry.url().resolve("/v2/");
    try {
      assertThat(registry.hostPort()).startsWith("127.0.0.1:");
      assertThat(http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(200);
    } finally {
      registry.close();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void basicAuthRegistryRejectsAnonymousAndAcceptsItsUser() throws Exception {
    try (LocalRegistry registry = LocalRegistry.withBasicAuth("ci", "pa55-word").start()) {
      URI v2 = registry.url().resolve("/v2/");
      assertThat(http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(401);
      assertThat(http.send(HttpRequest.newBuilder(v2).header("Authorization", registry.basicAuth()).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
  }
}
