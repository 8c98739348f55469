package org.provost.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A JSON body written straight to bytes (Jackson's streaming generator), for pages built row by row from a
 * result set: no {@code JsonObject} tree per row and no second encoding pass. The generator escapes
 * strings as {@code JsonObject.encode()} does, so a page reads the same either way.
 */
public final class JsonOut implements AutoCloseable {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final Bytes out;
  private final JsonGenerator g;

  /** The bytes written so far; {@link #buffer} copies the used part of the array once. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    Buffer buffer() {
      return Buffer.buffer(java.util.Arrays.copyOf(buf, count));
    }
  }

  /** @param sizeHint the expected body size in bytes (it grows as needed) */
  public JsonOut(int sizeHint) {
    this.out = new Bytes(sizeHint);
    try {
      this.g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generator, to write with; {@link java.io.IOException}s from it never happen on a byte array. */
  public JsonGenerator generator() {
    return g;
  }

  /** The finished body. */
  public Buffer finish() {
    try {
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.buffer();
  }

  /** Writes {@code "name": value} with a null value as JSON null. */
  public static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) g.writeNullField(name);
    else g.writeStringField(name, value);
  }

  @Override
  public void close() {
    try {
      g.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
