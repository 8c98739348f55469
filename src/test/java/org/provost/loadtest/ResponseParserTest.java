package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private final ResponseParser parser = new ResponseParser();

  private static Buffer b(String s) {
    return Buffer.buffer(s);
  }

  @Test
  void contentLength_inOnePiece_isDone() {
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n"
        + "{\"ok\":true}"))).isEqualTo(ResponseParser.Result.DONE);
    assertThat(parser.status()).isEqualTo(200);
    assertThat(parser.closeAfter()).isFalse();
    assertThat(parser.body()).isNull();
  }

  @Test
  void response_splitIntoSingleBytes_isDoneOnlyAtItsLastByte() {
    String response = "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}";
    parser.reset(true);
    for (int i = 0; i < response.length() - 1; i++) {
      assertThat(parser.feed(b(response.substring(i, i + 1)))).isEqualTo(ResponseParser.Result.MORE);
    }
    assertThat(parser.feed(b("}"))).isEqualTo(ResponseParser.Result.DONE);
    assertThat(parser.status()).isEqualTo(404);
    assertThat(parser.body().toString()).isEqualTo("{}");
  }

  @Test
  void chunkedBody_isReassembledWhenKept() {
    parser.reset(true);
    assertThat(parser.feed(b("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n"))).isEqualTo(
        ResponseParser.Result.MORE);
    assertThat(parser.feed(b("4;ext=1\r\n:42}\r\n0\r\nX-Trailer: y\r\n\r\n"))).isEqualTo(ResponseParser.Result.DONE);
    assertThat(parser.status()).isEqualTo(201);
    assertThat(parser.body().toJsonObject().getLong("id")).isEqualTo(42L);
  }

  @Test
  void noBody_andConnectionClose_areNoted() {
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 204 No Content\r\nConnection: Close\r\n\r\n")))
        .isEqualTo(ResponseParser.Result.DONE);
    assertThat(parser.status()).isEqualTo(204);
    assertThat(parser.closeAfter()).isTrue();
  }

  @Test
  void oneParser_readsResponsesOneAfterAnother() {
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"))).isEqualTo(ResponseParser.Result.DONE);
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 503 Unavailable\r\nContent-Length: 1\r\n\r\nb")))
        .isEqualTo(ResponseParser.Result.DONE);
    assertThat(parser.status()).isEqualTo(503);
  }

  @Test
  void garbage_extraBytes_andBadLengths_areMalformed() {
    parser.reset(false);
    assertThat(parser.feed(b("hello there\r\n"))).isEqualTo(ResponseParser.Result.MALFORMED);
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1")))
        .isEqualTo(ResponseParser.Result.MALFORMED);
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 200 OK\r\nContent-Length: x1\r\n\r\n"))).isEqualTo(
        ResponseParser.Result.MALFORMED);
    parser.reset(false);
    assertThat(parser.feed(b("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))).isEqualTo(
        ResponseParser.Result.MALFORMED);
  }
}
