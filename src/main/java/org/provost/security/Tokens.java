package org.provost.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Opaque bearer secrets: 256 random bits, base64url, with a prefix that says what they are
 * ({@code pvs_} session, {@code pvk_} API key). Only their SHA-256 is ever stored.
 */
public final class Tokens {
  public static final String SESSION_PREFIX = "pvs_";
  public static final String API_KEY_PREFIX = "pvk_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  public static String newToken(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required", e);
    }
  }

  /** A random password for generated accounts: 24 characters, ~143 bits. */
  public static String newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
