package org.provost.http;

import io.vertx.core.json.JsonObject;

/** What a handler answers: a status and an optional JSON body. Errors are exceptions, not replies. */
public record Reply(int status, JsonObject body) {
  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }
}
