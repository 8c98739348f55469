package org.provost.security;

import java.util.Locale;
import java.util.Set;
import org.provost.error.ServiceException;

/**
 * What a new password must be, after NIST SP 800-63B section 5.1.1.2 (memorized secrets): long enough
 * ({@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters, spaces and any Unicode allowed, no composition
 * rules), not the account's own username or email, not the password it replaces, and not one of the
 * handful of passwords every guessing list starts with. Checked wherever a password is set: account
 * creation, an administrator's reset, and self-service change.
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 10;
  public static final int MAX_LENGTH = 1024;
  private static final Set<String> COMMON = Set.of("1234567890", "12345678910", "0123456789", "qwertyuiop",
      "password12", "password123", "password1234", "passwordpassword", "iloveyou12", "abcdefghij", "1111111111",
      "0000000000", "qwerty1234", "1q2w3e4r5t", "letmein123", "welcome123", "changeme12", "administrator");

  private PasswordPolicy() {}

  /**
   * 400 naming {@code field} when {@code password} breaks the policy.
   *
   * @param username the account's username, or null for none yet
   * @param email the account's email, or null
   * @param previous the password being replaced, or null
   */
  public static void check(String field, String password, String username, String email, String previous) {
    String reason = problem(password, username, email, previous);
    if (reason != null) throw new ServiceException.InvalidInput(field, reason);
  }

  /** The reason {@code password} breaks the policy, or null when it does not. */
  public static String problem(String password, String username, String email, String previous) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH) return "must be at least " + MIN_LENGTH + " characters";
    if (length > MAX_LENGTH) return "must be at most " + MAX_LENGTH + " characters";
    String folded = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(folded)) return "is one of the most common passwords; choose another";
    if (username != null && folded.equals(username.toLowerCase(Locale.ROOT))) return "must not be the username";
    if (email != null && folded.equals(email.toLowerCase(Locale.ROOT))) return "must not be the email address";
    if (previous != null && password.equals(previous)) return "must differ from the current password";
    return null;
  }
}
