package org.provost.http;

import java.time.Instant;

/**
 * What any text must be before it may reach PostgreSQL: no NUL (PostgreSQL's text and jsonb reject it) and no
 * unpaired UTF-16 surrogate (it has no UTF-8 encoding; the driver would silently store '?'). Identifiers have
 * stricter rules of their own ({@code users.Identifiers}).
 */
public final class Text {
  /** The first instant an API timestamp may name: 0001-01-01T00:00:00Z. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  /** The first instant after the last one an API timestamp may name: 10000-01-01T00:00:00Z. */
  public static final Instant AFTER_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

  private Text() {}

  /** Why {@code s} cannot be stored as text, or null when it can. */
  public static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return "must not contain NUL (U+0000)";
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return "must not contain an unpaired surrogate (U+" + Integer.toHexString(c).toUpperCase() + ")";
        }
      } else if (Character.isLowSurrogate(c)) {
        return "must not contain an unpaired surrogate (U+" + Integer.toHexString(c).toUpperCase() + ")";
      }
    }
    return null;
  }
}
