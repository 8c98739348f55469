package org.provost.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Finds one parameter in a raw query string ({@code a=1&b=x%2Fy}) and decodes only that value. */
final class QueryString {
  private QueryString() {}

  /** The decoded value of the first {@code name=...}, or null when absent or empty. */
  static String get(String query, String name) {
    if (query == null || query.isEmpty()) return null;
    int n = name.length();
    int at = 0;
    int length = query.length();
    while (at < length) {
      int end = query.indexOf('&', at);
      if (end < 0) end = length;
      if (end - at > n && query.charAt(at + n) == '=' && query.startsWith(name, at)) {
        return end == at + n + 1 ? null : decode(query, at + n + 1, end);
      }
      at = end + 1;
    }
    return null;
  }

  private static String decode(String query, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = query.charAt(i);
      if (c == '%' || c == '+') {
        try {
          return URLDecoder.decode(query.substring(from, to), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return query.substring(from, to);
        }
      }
    }
    return query.substring(from, to);
  }
}
