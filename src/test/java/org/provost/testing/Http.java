package org.provost.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntSupplier;

/** A plain HTTP client over a real socket, for tests. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final IntSupplier port;

  /** A client of the server on 127.0.0.1:{@code port}. */
  public Http(int port) {
    this(() -> port);
  }

  /**
   * A client of a server whose port is known only once it runs: {@code port} is asked at each request (and
   * may throw, e.g. IllegalStateException, while there is no server yet).
   */
  public Http(IntSupplier port) {
    this.port = port;
  }

  /** A response: status, headers, raw body, and the body as JSON when it is JSON. */
  public record Response(int status, HttpResponse<String> raw) {
    public JsonObject json() {
      return new JsonObject(raw.body());
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String body() {
      return raw.body();
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public String login(String username, String password) {
    Response r = post("/v1/sessions", null, new JsonObject().put("username", username).put("password", password));
    if (r.status() != 201) throw new AssertionError("login of " + username + " failed: " + r);
    return r.json().getString("token");
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null, null);
  }

  public Response post(String path, String token, JsonObject body) {
    return send("POST", path, token, body.encode(), "application/json");
  }

  public Response patch(String path, String token, JsonObject body) {
    return send("PATCH", path, token, body.encode(), "application/json");
  }

  /** A JSON request with one extra header (e.g. X-Forwarded-For), no token. */
  public Response sendWithHeader(String method, String path, String header, String value, String json) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
        .timeout(Duration.ofSeconds(30)).header(header, value).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
    try {
      HttpResponse<String> raw = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(raw.statusCode(), raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response send(String method, String path, String token, String body, String contentType) {
    return send(method, path, token, body, contentType, new String[0]);
  }

  /** Like {@link #send(String, String, String, String, String)}, with extra headers as name, value pairs. */
  public Response send(String method, String path, String token, String body, String contentType,
      String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      HttpResponse<String> raw = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(raw.statusCode(), raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
