package org.provost.loadtest;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request, encoded once and sent many times, with the endpoint it counts for and what follows a
 * successful answer (a revoke follows a grant).
 */
record Call(Endpoint endpoint, Buffer bytes, FollowUp followUp) {
  /** Builds the next request from a 2xx response body; null when there is nothing to follow. */
  interface FollowUp {
    Call after(Buffer body);
  }

  Call(Endpoint endpoint, Buffer bytes) {
    this(endpoint, bytes, null);
  }

  boolean wantsBody() {
    return followUp != null;
  }

  static Buffer encode(String method, String host, String target, String token, String json) {
    StringBuilder s = new StringBuilder(160 + (json == null ? 0 : json.length()));
    s.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host)
        .append("\r\nAccept: application/json\r\n");
    if (token != null) s.append("Authorization: Bearer ").append(token).append("\r\n");
    byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      s.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    } else if (!method.equals("GET")) {
      s.append("Content-Length: 0\r\n");
    }
    s.append("\r\n");
    Buffer bytes = Buffer.buffer(s.toString());
    return body == null ? bytes : bytes.appendBytes(body);
  }
}
