package org.provost.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * A JSON body written straight to bytes (Jackson's streaming generator), for pages built row by row from a
 * result set: no {@code JsonObject} tree per row and no second encoding pass. The generator escapes
 * strings as {@code JsonObject.encode()} does, so a page reads the same either way.
 *
 * <p>What a page of 50 rows costs was measured (docs/PERFORMANCE.md, "Fast SQL reads"), so the writers here
 * avoid the work that showed: field names are encoded once ({@link #name}); a text column goes from the
 * driver's UTF-8 bytes to the body without becoming a {@code String} ({@link #text}); a timestamp is
 * written as the bytes of {@code Instant.toString()} without a formatter ({@link #timestamp}); the
 * generator writes into the body's buffer itself, and its own buffers come from a pool shared by all
 * threads (Jackson's default pool is per thread, and every request runs on a new virtual thread).
 */
public final class JsonOut implements AutoCloseable {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
  private final Buffer body;
  private final JsonGenerator g;
  private final byte[] scratch = new byte[40];
  /** The second whose date and time {@link #scratch} starts with (its first 19 bytes), else MIN_VALUE. */
  private long scratchSecond = Long.MIN_VALUE;

  /** Appends what the generator flushes to the body. */
  private static final class Appender extends OutputStream {
    private final Buffer body;

    Appender(Buffer body) {
      this.body = body;
    }

    @Override
    public void write(int b) {
      body.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      body.appendBytes(b, off, len);
    }
  }

  /** @param sizeHint the expected body size in bytes (it grows as needed) */
  public JsonOut(int sizeHint) {
    this.body = Buffer.buffer(sizeHint);
    try {
      this.g = FACTORY.createGenerator(new Appender(body), JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generator, to write with; {@link java.io.IOException}s from it never happen on a buffer. */
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
    return body;
  }

  /** A field name encoded once, for {@link #text} and {@link #timestamp}: keep it in a constant. */
  public static SerializableString name(String name) {
    return new SerializedString(name);
  }

  /** Writes {@code "name": value} with a null value as JSON null. */
  public static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) g.writeNullField(name);
    else g.writeStringField(name, value);
  }

  /**
   * Writes {@code "name": <column>} for a text column of {@code rs}'s current row (JSON null for SQL NULL),
   * escaped as {@link #field} would, from the driver's UTF-8 bytes: PostgreSQL's text, in either transfer
   * format, is the UTF-8 of the value (the driver sets the client encoding to UTF8).
   */
  public static void text(JsonGenerator g, SerializableString name, ResultSet rs, int column)
      throws IOException, SQLException {
    byte[] utf8 = rs.getBytes(column);
    g.writeFieldName(name);
    if (utf8 == null) g.writeNull();
    else g.writeUTF8String(utf8, 0, utf8.length);
  }

  /**
   * Writes {@code "name": "<t.toInstant().toString()>"} (JSON null for null): the same text, for the years
   * 1 to 9999 without a formatter or a {@code String} on the way, other years through {@code Instant}.
   */
  public void timestamp(SerializableString name, Timestamp t) throws IOException {
    g.writeFieldName(name);
    if (t == null) {
      g.writeNull();
      return;
    }
    long second = Math.floorDiv(t.getTime(), 1000L);
    if (second != scratchSecond) { // rows written together often share their second: its text is kept
      scratchSecond = dateTime(second, scratch) ? second : Long.MIN_VALUE;
    }
    if (scratchSecond == Long.MIN_VALUE) g.writeString(t.toInstant().toString());
    else g.writeRawUTF8String(scratch, 0, fraction(t.getNanos(), scratch));
  }

  /**
   * Writes {@code Instant.ofEpochSecond(epochSecond, nanos).toString()} as ASCII into {@code out} (at least 30
   * bytes) and returns its length, or -1 when the year is outside 1-9999 (that text has a sign or more
   * digits: ask {@code Instant}). The fraction is as {@code Instant} prints it: none when zero, else 3, 6 or
   * 9 digits, the fewest that hold it.
   */
  public static int isoInstant(long epochSecond, int nanos, byte[] out) {
    return dateTime(epochSecond, out) ? fraction(nanos, out) : -1;
  }

  /** Writes the first 19 bytes of that text (up to the seconds); false when the year is outside 1-9999. */
  private static boolean dateTime(long epochSecond, byte[] out) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // the civil date of a day count (proleptic Gregorian, as java.time): H. Hinnant's days_from_civil inverse
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    long dayOfEra = z - era * 146_097L;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1 || year > 9999) return false;
    int y = (int) year;
    out[0] = digit(y / 1000);
    out[1] = digit(y / 100 % 10);
    out[2] = digit(y / 10 % 10);
    out[3] = digit(y % 10);
    out[4] = '-';
    two(out, 5, month);
    out[7] = '-';
    two(out, 8, day);
    out[10] = 'T';
    two(out, 11, secondOfDay / 3600);
    out[13] = ':';
    two(out, 14, secondOfDay / 60 % 60);
    out[16] = ':';
    two(out, 17, secondOfDay % 60);
    return true;
  }

  /** Writes the fraction and the 'Z' after the first 19 bytes; returns the whole length. */
  private static int fraction(int nanos, byte[] out) {
    int n = 19;
    if (nanos != 0) {
      int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
      int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
      out[n++] = '.';
      for (int i = n + digits - 1; i >= n; i--) {
        out[i] = digit(value % 10);
        value /= 10;
      }
      n += digits;
    }
    out[n++] = 'Z';
    return n;
  }

  private static byte digit(int d) {
    return (byte) ('0' + d);
  }

  private static void two(byte[] out, int at, int value) {
    out[at] = digit(value / 10);
    out[at + 1] = digit(value % 10);
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
