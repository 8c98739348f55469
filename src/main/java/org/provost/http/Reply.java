package org.provost.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What a handler answers: a status and a JSON body (as an object, or pre-encoded bytes on hot paths), or a
 * reply still pending (waiting for a revision, or for a load off the event loop). Errors are exceptions.
 * {@code headers} (null: none) are set on the response; a {@code Content-Type} among them replaces
 * {@code application/json} for an encoded body ({@link #okText}).
 */
public record Reply(int status, JsonObject body, Buffer encoded, CompletionStage<Reply> pending,
    Map<String, String> headers) {
  public Reply(int status, JsonObject body, Buffer encoded, CompletionStage<Reply> pending) {
    this(status, body, encoded, pending, null);
  }

  /**
   * 200 with a body that is not JSON (CSV, say), of {@code contentType}, and further {@code headers}
   * (e.g. {@code Link}).
   */
  public static Reply okText(String contentType, Buffer body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", contentType);
    return new Reply(200, null, body, null, Map.copyOf(all));
  }

  public static Reply ok(JsonObject body) {
    return new Reply(200, body, null, null);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body, null, null);
  }

  public static Reply noContent() {
    return new Reply(204, null, null, null);
  }

  /** 200 with an already encoded JSON body. */
  public static Reply okEncoded(Buffer json) {
    return new Reply(200, null, json, null);
  }

  /**
   * This reply with its JSON object body encoded to bytes now (the same status); other replies unchanged.
   * The HTTP layer calls it on the virtual thread that built the reply, so the event loop only writes bytes.
   */
  public Reply encodedNow() {
    return body == null || encoded != null ? this : new Reply(status, null, body.toBuffer(), pending);
  }

  /** A reply that completes later; a failed stage becomes a problem response. */
  public static Reply later(CompletionStage<Reply> pending) {
    return new Reply(0, null, null, pending);
  }
}
