package org.provost.access;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The access review as CSV: RFC 4180 (CRLF line ends; a field holding a comma, a double quote, CR or LF is
 * quoted, its quotes doubled), a header row, one row per user x grant, UTF-8.
 *
 * <p>Spreadsheet formula injection (OWASP "CSV Injection"): a cell whose text starts with {@code =},
 * {@code +}, {@code -}, {@code @}, TAB or CR would be run as a formula by Excel, LibreOffice or Google
 * Sheets, and a reason or display name is text anyone with grant rights can choose. Such a cell gets a
 * leading apostrophe, which spreadsheets read as "this is text" (and show).
 */
final class AccessCsv {
  static final List<String> HEADER = List.of("user_id", "username", "display_name", "type", "department",
      "grant_id", "role", "role_chain", "scope", "valid_from", "valid_until", "granted_by_id",
      "granted_by_username", "reason");

  private AccessCsv() {}

  /** The page as CSV bytes; the header row even when there are no holders. */
  static Buffer write(List<AccessReview.Holder> holders, PastState state) throws java.sql.SQLException {
    StringBuilder out = new StringBuilder(256 + holders.size() * 160);
    row(out, HEADER);
    for (AccessReview.Holder h : holders) {
      UserAt u = h.user();
      for (HeldGrant g : h.grants()) {
        row(out, java.util.Arrays.asList(Long.toString(u.id()), u.username(), u.displayName(), u.type(),
            state.departmentCode(u.departmentId()), Long.toString(g.id()), g.role(), String.join(" > ", g.chain()),
            g.scopeName(), HeldGrant.text(g.validFrom()), HeldGrant.text(g.validUntil()),
            g.grantedBy() == null ? null : Long.toString(g.grantedBy()), g.granterName(), g.reason()));
      }
    }
    return Buffer.buffer(out.toString());
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) out.append(',');
      out.append(cell(cells.get(i)));
    }
    out.append("\r\n");
  }

  /**
   * One field: neutralised against formulas, then quoted when RFC 4180 needs it or it holds a semicolon (the
   * list separator of many locales' spreadsheets). Null is empty.
   */
  static String cell(String value) {
    if (value == null || value.isEmpty()) return "";
    String v = switch (value.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
      default -> value;
    };
    // a semicolon too: spreadsheets in locales whose list separator it is split an unquoted line there, and a
    // formula after it would start a cell of its own, past the neutralising apostrophe
    boolean quote = v.indexOf(',') >= 0 || v.indexOf(';') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0
        || v.indexOf('\n') >= 0;
    return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
  }
}
