package org.provost.config;

import java.util.regex.Pattern;

/** Masks secrets in configuration values before they are printed or logged. */
public final class Secrets {
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@?#]*:)[^@/?#]*@");
  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private Secrets() {}

  /**
   * {@code value} as it may be shown: {@code ****} for a key naming a password, secret or token; a URL with
   * its password (user info or {@code password=} parameter) replaced by {@code ****}; else unchanged.
   */
  public static String mask(String key, String value) {
    if (value == null) return null;
    String k = key.toUpperCase(java.util.Locale.ROOT);
    if (k.contains("PASSWORD") || k.contains("SECRET") || k.contains("TOKEN")) return "****";
    return maskUrl(value);
  }

  /** A URL with any password in it replaced by {@code ****}. */
  public static String maskUrl(String value) {
    String out = URL_PASSWORD.matcher(value).replaceAll("$1****@");
    return QUERY_PASSWORD.matcher(out).replaceAll("$1****");
  }
}
