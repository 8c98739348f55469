package org.provost.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain blocking JSON calls for what happens before and after a run (logins, discovery, clean-up). Never on
 * the measured path.
 */
final class SetupClient {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final Duration timeout;

  SetupClient(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
  }

  /** A response: its status and its body as JSON (empty when the body is not JSON). */
  record Reply(int status, JsonObject json) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** {@code 404 not_found: no such thing}, from a problem body. */
    String problem() {
      String code = json.getString("code", "");
      String detail = json.getString("detail", "");
      return (status + " " + code + (detail.isEmpty() ? "" : ": " + detail)).strip();
    }
  }

  Reply get(String path, String token) {
    return send("GET", path, token, null);
  }

  Reply post(String path, String token, JsonObject body) {
    return send("POST", path, token, body);
  }

  Reply delete(String path, String token) {
    return send("DELETE", path, token, null);
  }

  private Reply send(String method, String path, String token, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null) b.header("Content-Type", "application/json");
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), parse(r.body()));
    } catch (ConnectException e) {
      throw new IllegalStateException("cannot reach " + base + " (connection refused): is `provost serve` running?");
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + base.resolve(path) + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  private static JsonObject parse(String body) {
    if (body == null || body.isBlank() || body.charAt(0) != '{') return new JsonObject();
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }
}
