package dev.slipway.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HelloServiceTest {
  static HelloService service;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    service = new HelloService("127.0.0.1", 0);
    service.start();
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsUp() throws Exception {
    HttpResponse<String> r = get("/health");
    assertEquals(200, r.statusCode());
    assertEquals("{\"status\":\"UP\"}", r.body());
  }

  @Test
  void greetingEscapesTheName() throws Exception {
    HttpResponse<String> r = get("/api/greeting?name=a%22b");
    assertEquals("{\"greeting\":\"Hello, a\\\"b!\"}", r.body());
  }

  @Test
  void workDependsOnRoundsAndRejectsNonsense() throws Exception {
    HttpResponse<String> r = get("/api/work?rounds=10");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains(HelloService.work(10)));
    assertNotEquals(HelloService.work(10), HelloService.work(11));
    assertEquals(400, get("/api/work?rounds=0").statusCode());
    assertEquals(400, get("/api/work?rounds=x").statusCode());
  }
}
