package org.provost.users;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one canonical form of usernames and emails. Provost stores two forms of each identifier:
 * <ul>
 *   <li>the <em>display</em> form ({@link #display}): Unicode NFKC, surrounding white space removed, case kept
 *       ({@code Ada.Lovelace}); this is what the API answers;</li>
 *   <li>the <em>key</em> ({@link #key}): the display form case-folded without regard to any locale, then NFKC
 *       again ({@code ada.lovelace}); the unique indexes, login, import matching and the authorization index's
 *       username map use only this.</li>
 * </ul>
 * So {@code Admin} and {@code admin}, {@code jose\u0301@uni.example} and {@code jos\u00e9@uni.example}, or
 * {@code bob@uni.example\u00a0} and {@code bob@uni.example} are one account. Control characters, NUL,
 * invisible format characters (Unicode Cf, e.g. U+200B, U+200D, U+00AD), surrogates, private-use and
 * unassigned code points are refused ({@link #problem}), never silently removed.
 */
public final class Identifiers {
  /** A username's display form: ASCII letters, digits, '.', '_' and '-'. */
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  public static final String USERNAME_HINT =
      "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
  public static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Z}]+@[^@\\s\\p{Z}]+\\.[^@\\s\\p{Z}]+");
  public static final String EMAIL_HINT = "must be an email address";
  private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");

  private Identifiers() {}

  /** NFKC, then without leading and trailing white space (including no-break and other Unicode spaces). */
  public static String display(String raw) {
    String n = Normalizer.normalize(raw, Normalizer.Form.NFKC);
    int from = 0;
    int to = n.length();
    while (from < to && isSpace(n.charAt(from))) from++;
    while (to > from && isSpace(n.charAt(to - 1))) to--;
    return n.substring(from, to);
  }

  /**
   * The comparison key: {@link #display} folded to lower case without regard to locale (full upper-casing
   * first, so {@code ß} and {@code SS} agree, then code point by code point lower-casing, so final and
   * medial sigma agree), then NFKC again. Allocates nothing for an already-folded ASCII identifier.
   */
  public static String key(String raw) {
    if (raw == null) return null;
    if (isFoldedAscii(raw)) return raw;
    String upper = display(raw).toUpperCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(upper.length());
    upper.codePoints().forEach(cp -> out.appendCodePoint(Character.toLowerCase(cp)));
    return Normalizer.normalize(out, Normalizer.Form.NFKC);
  }

  /** Why {@code raw} cannot be an identifier at all (a character it may not contain), or null. */
  public static String problem(String raw) {
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      switch (Character.getType(cp)) {
        case Character.CONTROL -> {
          return cp == 0 ? "must not contain NUL" : "must not contain control characters (U+"
              + hex(cp) + ")";
        }
        case Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
             Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
          return "must not contain invisible or unassigned characters (U+" + hex(cp) + ")";
        }
        default -> { }
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * Why {@code display} (a display form) is not a username, or null: the pattern, and never all digits, so
   * that a number given as a subject always means a user id.
   */
  public static String usernameProblem(String display) {
    if (!USERNAME.matcher(display).matches()) return USERNAME_HINT;
    if (ALL_DIGITS.matcher(display).matches()) return "must not be all digits (a number names a user id)";
    return null;
  }

  /** Why {@code display} is not an email address, or null. */
  public static String emailProblem(String display) {
    return EMAIL.matcher(display).matches() ? null : EMAIL_HINT;
  }

  private static boolean isFoldedAscii(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || (c >= 'A' && c <= 'Z')) return false;
    }
    return true;
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static String hex(int cp) {
    return String.format(Locale.ROOT, "%04X", cp);
  }
}
