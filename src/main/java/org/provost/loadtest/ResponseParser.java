package org.provost.loadtest;

import io.vertx.core.buffer.Buffer;

/**
 * Reads one HTTP/1.1 response at a time from a keep-alive connection, as it arrives in pieces: the status,
 * the framing headers (Content-Length, chunked Transfer-Encoding, Connection: close) and, only when asked,
 * the body. Other headers are skipped without being kept. One tight loop, no allocation per response.
 */
final class ResponseParser {
  enum Result { MORE, DONE, MALFORMED }

  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

  private static final int MAX_LINE = 256;
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes();
  private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes();
  private static final byte[] CONNECTION = "connection:".getBytes();
  private static final byte[] CHUNKED = "chunked".getBytes();
  private static final byte[] CLOSE = "close".getBytes();

  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  private State state = State.STATUS;
  private int status;
  private long remaining;
  private boolean chunked;
  private boolean close;
  private boolean complete;
  private Buffer body;

  /** Starts the next response; keeps its body when {@code keepBody}. */
  void reset(boolean keepBody) {
    state = State.STATUS;
    lineLength = 0;
    status = 0;
    remaining = 0;
    chunked = false;
    close = false;
    complete = false;
    body = keepBody ? Buffer.buffer(256) : null;
  }

  int status() {
    return status;
  }

  Buffer body() {
    return body;
  }

  /** Whether the server said it will close the connection after this response. */
  boolean closeAfter() {
    return close;
  }

  /** Consumes {@code data}; bytes past the end of the response are an error (one request in flight). */
  Result feed(Buffer data) {
    int n = data.length();
    int i = 0;
    while (i < n) {
      if (state == State.BODY || state == State.CHUNK_DATA) {
        int take = (int) Math.min(remaining, n - i);
        if (body != null) body.appendBuffer(data, i, take);
        i += take;
        remaining -= take;
        if (remaining == 0) {
          if (state == State.BODY) return i == n ? Result.DONE : Result.MALFORMED;
          state = State.CHUNK_END;
        }
        continue;
      }
      byte b = data.getByte(i++);
      if (b != '\n') {
        if (lineLength < MAX_LINE) line[lineLength++] = b;
        continue;
      }
      int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
      lineLength = 0;
      if (!endOfLine(length)) return Result.MALFORMED;
      if (complete) return i == n ? Result.DONE : Result.MALFORMED;
    }
    return Result.MORE;
  }

  /** Handles one complete line; false when it makes no sense. */
  private boolean endOfLine(int length) {
    switch (state) {
      case STATUS -> {
        if (length < 12 || line[0] != 'H' || !digits(9, 3)) return false;
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (length > 0) return header(length);
        if (chunked) {
          state = State.CHUNK_SIZE;
        } else if (remaining > 0) {
          state = State.BODY;
        } else {
          finish();
        }
      }
      case CHUNK_SIZE -> {
        long size = hex(length);
        if (size < 0) return false;
        if (size == 0) {
          state = State.TRAILERS;
        } else {
          remaining = size;
          state = State.CHUNK_DATA;
        }
      }
      case CHUNK_END -> {
        if (length != 0) return false;
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (length == 0) finish();
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void finish() {
    state = State.STATUS;
    complete = true;
  }

  private boolean header(int length) {
    if (startsWith(CONTENT_LENGTH, length)) {
      long value = 0;
      boolean any = false;
      for (int k = CONTENT_LENGTH.length; k < length; k++) {
        byte c = line[k];
        if (c == ' ' || c == '\t') continue;
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
        any = true;
      }
      remaining = value;
      return any;
    }
    if (startsWith(TRANSFER_ENCODING, length)) chunked = contains(CHUNKED, TRANSFER_ENCODING.length, length);
    if (startsWith(CONNECTION, length)) close = contains(CLOSE, CONNECTION.length, length);
    return true;
  }

  private boolean startsWith(byte[] name, int length) {
    if (length < name.length) return false;
    for (int k = 0; k < name.length; k++) {
      if ((line[k] | 0x20) != name[k]) return false;
    }
    return true;
  }

  private boolean contains(byte[] word, int from, int length) {
    outer:
    for (int k = from; k + word.length <= length; k++) {
      for (int j = 0; j < word.length; j++) {
        if ((line[k + j] | 0x20) != word[j]) continue outer;
      }
      return true;
    }
    return false;
  }

  private boolean digits(int from, int count) {
    for (int k = from; k < from + count; k++) if (line[k] < '0' || line[k] > '9') return false;
    return true;
  }

  private long hex(int length) {
    long size = 0;
    int k = 0;
    for (; k < length && line[k] != ';'; k++) {
      int d = Character.digit(line[k], 16);
      if (d < 0 || size > (Long.MAX_VALUE >> 4)) return -1;
      size = size * 16 + d;
    }
    return k == 0 ? -1 : size;
  }
}
