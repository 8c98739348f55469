package org.provost.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;

/**
 * A request body read field by field. Every problem is collected with its field name; {@link #validate()}
 * then throws one {@code InvalidInput} naming them all, before anything is written.
 */
public final class Input {
  private final JsonObject json;
  private final List<FieldError> errors = new ArrayList<>();

  private Input(JsonObject json) {
    this.json = json;
  }

  /** Parses a JSON object body and rejects fields outside {@code allowed}. */
  public static Input parse(Buffer body, String... allowed) {
    if (body == null || body.length() == 0) {
      throw new ServiceException.InvalidInput("body", "is empty; send a JSON object");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new ServiceException.InvalidInput("body", "is not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (!(value instanceof JsonObject obj)) {
      throw new ServiceException.InvalidInput("body", "must be a JSON object");
    }
    Input in = new Input(obj);
    Set<String> ok = Set.of(allowed);
    for (String name : obj.fieldNames()) {
      if (!ok.contains(name)) in.errors.add(new FieldError(name, "is not a known field"));
    }
    return in;
  }

  public static Input of(JsonObject json) {
    return new Input(json);
  }

  private static String firstLine(String s) {
    if (s == null) return "unreadable";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) : line;
  }

  public boolean has(String field) {
    return json.containsKey(field);
  }

  public void error(String field, String reason) {
    errors.add(new FieldError(field, reason));
  }

  public String requiredString(String field, int maxLength) {
    if (!json.containsKey(field) || json.getValue(field) == null) {
      error(field, "is required");
      return null;
    }
    String v = optionalString(field, maxLength);
    if (v != null && v.isBlank()) {
      error(field, "must not be blank");
      return null;
    }
    return v;
  }

  public String requiredString(String field, int maxLength, Pattern pattern, String patternHint) {
    String v = requiredString(field, maxLength);
    return v == null ? null : matching(field, v, pattern, patternHint);
  }

  public String optionalString(String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof String s)) {
      error(field, "must be a string");
      return null;
    }
    if (s.length() > maxLength) {
      error(field, "must be at most " + maxLength + " characters");
      return null;
    }
    String bad = Text.problem(s);
    if (bad != null) {
      error(field, bad);
      return null;
    }
    return s;
  }

  public String optionalString(String field, int maxLength, Pattern pattern, String patternHint) {
    String v = optionalString(field, maxLength);
    return v == null ? null : matching(field, v, pattern, patternHint);
  }

  private String matching(String field, String v, Pattern pattern, String hint) {
    if (!pattern.matcher(v).matches()) {
      error(field, hint);
      return null;
    }
    return v;
  }

  public Boolean optionalBoolean(String field) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Boolean b)) {
      error(field, "must be true or false");
      return null;
    }
    return b;
  }

  /** A whole number in {@code [min, max]}; {@code null} when absent or null. */
  public Long optionalInteger(String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger)) {
      error(field, "must be a whole number");
      return null;
    }
    Number n = (Number) v;
    if (n instanceof java.math.BigInteger || n.longValue() < min || n.longValue() > max) {
      error(field, "must be between " + min + " and " + max);
      return null;
    }
    return n.longValue();
  }

  /**
   * An RFC 3339 timestamp with a four-digit year (0001-9999, inside PostgreSQL's range), kept to the
   * microsecond as PostgreSQL stores it: finer digits are dropped here, so that what is compared and
   * validated (a window's start before its end) is what is stored. Null when absent.
   */
  public Instant optionalInstant(String field) {
    String v = optionalString(field, 64);
    if (v == null) return null;
    Instant at;
    try {
      at = OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      error(field, "must be an RFC 3339 timestamp such as 2026-09-01T00:00:00Z");
      return null;
    }
    if (at.isBefore(Text.EARLIEST) || !at.isBefore(Text.AFTER_LATEST)) {
      error(field, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z");
      return null;
    }
    return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  public LocalDate requiredDate(String field) {
    if (!json.containsKey(field) || json.getValue(field) == null) {
      error(field, "is required");
      return null;
    }
    return optionalDate(field);
  }

  public LocalDate optionalDate(String field) {
    String v = optionalString(field, 32);
    if (v == null) return null;
    LocalDate date;
    try {
      date = LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      error(field, "must be a date such as 2026-09-01");
      return null;
    }
    if (date.getYear() < 1 || date.getYear() > 9999) {
      error(field, "must be between 0001-01-01 and 9999-12-31");
      return null;
    }
    return date;
  }

  /** A list of distinct strings; {@code null} when absent. */
  public List<String> optionalStringList(String field, int maxItems, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof JsonArray array)) {
      error(field, "must be an array of strings");
      return null;
    }
    if (array.size() > maxItems) {
      error(field, "must have at most " + maxItems + " items");
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String s) || s.isBlank() || s.length() > maxLength) {
        error(field + "[" + i + "]", "must be a non-blank string of at most " + maxLength + " characters");
        return null;
      }
      String bad = Text.problem(s);
      if (bad != null) {
        error(field + "[" + i + "]", bad);
        return null;
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** Throws one InvalidInput naming every problem found so far. */
  public Input validate() {
    if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);
    return this;
  }
}
