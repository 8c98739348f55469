package org.provost.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;

/**
 * A JSON body written straight to UTF-8 bytes, for pages built row by row from a result set: no
 * {@code JsonObject} tree per row, no {@code String} per value and no second encoding pass. The caller
 * writes the punctuation and field names as constant bytes ({@link #ascii}, {@link #raw}) and each value
 * with a writer below; strings are escaped as {@code JsonObject.encode()} (Jackson) escapes them, so a page
 * reads the same either way, byte for byte but for characters beyond U+FFFF (Jackson writes those of a
 * {@code String} as an escaped surrogate pair, this the UTF-8 as it is: the same JSON string).
 *
 * <p>Why not Jackson's generator, which wrote these pages before: a profile of 50-row pages (docs/
 * PERFORMANCE.md, "Fast SQL reads") put a sixth of the server's samples in its string writing; here a text
 * column goes from the driver's UTF-8 bytes to the body with one scan for characters to escape
 * ({@link #text}), a timestamp is written as the bytes of {@code Instant.toString()} without a formatter
 * ({@link #timestamp}), and nothing checks the document's structure at run time (the callers' tests do).
 */
public final class JsonOut {
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] HEX = ascii("0123456789ABCDEF");
  /** For each byte below 0x80: 0 to copy it, else the letter of its short escape, or 'u' for a \\u00XX one. */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int i = 0; i < 0x20; i++) ESCAPE[i] = 'u';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
  }

  private byte[] bytes;
  private int count;
  /** The second whose date and time {@link #clock} holds (its first 19 bytes), else MIN_VALUE. */
  private long clockSecond = Long.MIN_VALUE;
  private final byte[] clock = new byte[32];

  /** @param sizeHint the expected body size in bytes (it grows as needed) */
  public JsonOut(int sizeHint) {
    this.bytes = new byte[Math.max(sizeHint, 64)];
  }

  /** The bytes of constant JSON text (punctuation, quoted field names): encode once, keep in a constant. */
  public static byte[] ascii(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Appends constant JSON text made by {@link #ascii}. */
  public JsonOut raw(byte[] json) {
    ensure(json.length);
    System.arraycopy(json, 0, bytes, count, json.length);
    count += json.length;
    return this;
  }

  /** Appends a number. */
  public JsonOut number(long value) {
    ensure(20);
    if (value < 0) {
      if (value == Long.MIN_VALUE) return raw(ascii(Long.toString(value)));
      bytes[count++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) digits++;
    for (int i = count + digits - 1; i >= count; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    count += digits;
    return this;
  }

  /** Appends {@code true} or {@code false}. */
  public JsonOut bool(boolean value) {
    return raw(value ? TRUE : FALSE);
  }

  /** Appends a string, or {@code null}. */
  public JsonOut string(String value) {
    return value == null ? raw(NULL) : utf8(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends a string given as UTF-8, quoted and escaped, or {@code null}. */
  public JsonOut utf8(byte[] utf8) {
    if (utf8 == null) return raw(NULL);
    ensure(utf8.length + 2);
    bytes[count++] = '"';
    int copied = 0;
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i];
      if (b < 0 || ESCAPE[b] == 0) continue; // bytes of characters beyond ASCII are copied as they are
      int run = i - copied;
      ensure(run + 6 + 1);
      System.arraycopy(utf8, copied, bytes, count, run);
      count += run;
      bytes[count++] = '\\';
      byte escape = ESCAPE[b];
      if (escape == 'u') {
        bytes[count++] = 'u';
        bytes[count++] = '0';
        bytes[count++] = '0';
        bytes[count++] = HEX[b >> 4];
        bytes[count++] = HEX[b & 0xF];
      } else {
        bytes[count++] = escape;
      }
      copied = i + 1;
    }
    int run = utf8.length - copied;
    ensure(run + 1);
    System.arraycopy(utf8, copied, bytes, count, run);
    count += run;
    bytes[count++] = '"';
    return this;
  }

  /**
   * Appends a text column of {@code rs}'s current row as a string ({@code null} for SQL NULL), from the
   * driver's bytes: PostgreSQL's text, in either transfer format, is the value's UTF-8 (the driver sets the
   * client encoding to UTF8).
   */
  public JsonOut text(ResultSet rs, int column) throws SQLException {
    return utf8(rs.getBytes(column));
  }

  /**
   * Appends {@code t.toInstant().toString()} as a string ({@code null} for null): the same text, for the
   * years 1 to 9999 without a formatter or a {@code String} on the way (and the date and time kept from the
   * previous timestamp when it fell in the same second, as a page's rows often do), other years through
   * {@code Instant}.
   */
  public JsonOut timestamp(Timestamp t) {
    if (t == null) return raw(NULL);
    long second = Math.floorDiv(t.getTime(), 1000L);
    if (second != clockSecond) clockSecond = dateTime(second, clock) ? second : Long.MIN_VALUE;
    if (clockSecond == Long.MIN_VALUE) return string(t.toInstant().toString());
    int n = fraction(t.getNanos(), clock);
    ensure(n + 2);
    bytes[count++] = '"';
    System.arraycopy(clock, 0, bytes, count, n);
    count += n;
    bytes[count++] = '"';
    return this;
  }

  /** The body written so far. */
  public Buffer finish() {
    return Buffer.buffer(count).appendBytes(bytes, 0, count);
  }

  private void ensure(int more) {
    if (count + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
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
}
