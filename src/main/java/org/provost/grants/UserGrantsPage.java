package org.provost.grants;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.authz.Scopes;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.JsonOut;
import org.provost.http.Principal;
import org.provost.http.Reply;

/**
 * {@code GET /v1/users/{id}/grants} in one statement: the user's home department, the changelog's revision
 * and every grant come back together, the permission ({@code grants.read} in the user's department) is
 * decided from the in-memory index and confirmed against that revision, and the page is written straight to
 * JSON bytes. The body is what {@link Grant#toJson} gives, in id order.
 */
final class UserGrantsPage {
  private static final String SQL = Jdbc.named("grants.for_user", """
      SELECT u.department_id, (SELECT coalesce(max(revision), 0) FROM changelog) AS rev,
             g.id, r.name, %s AS scope_name, g.valid_from, g.valid_until, g.reason, g.granted_by, g.revision
      FROM users u LEFT JOIN grants g ON g.user_id = u.id LEFT JOIN roles r ON r.id = g.role_id
      WHERE u.id = ? ORDER BY g.id""".formatted(Scopes.GRANT_SCOPE_NAME_SQL));

  private static final byte[] ITEMS = JsonOut.ascii("{\"items\":[");
  private static final byte[] FIRST_ID = JsonOut.ascii("{\"id\":");
  private static final byte[] NEXT_ID = JsonOut.ascii("},{\"id\":");
  private static final byte[] USER = JsonOut.ascii(",\"user\":");
  private static final byte[] ROLE = JsonOut.ascii(",\"role\":");
  private static final byte[] SCOPE = JsonOut.ascii(",\"scope\":");
  private static final byte[] VALID_FROM = JsonOut.ascii(",\"valid_from\":");
  private static final byte[] VALID_UNTIL = JsonOut.ascii(",\"valid_until\":");
  private static final byte[] REASON = JsonOut.ascii(",\"reason\":");
  private static final byte[] GRANTED_BY = JsonOut.ascii(",\"granted_by\":");
  private static final byte[] REVISION = JsonOut.ascii(",\"revision\":");
  private static final byte[] END = JsonOut.ascii("]}");
  private static final byte[] LAST_END = JsonOut.ascii("}]}");

  private UserGrantsPage() {}

  /**
   * The reply for {@code who} asking for user {@code userId}'s grants.
   *
   * @throws ServiceException.NotFound for an unknown user
   * @throws ServiceException.Forbidden when {@code who} is someone else without grants.read there
   */
  static Reply read(Connection c, Authority authority, Principal who, long userId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new ServiceException.NotFound("user", userId);
        long department = rs.getLong(1);
        Scope home = rs.wasNull() ? Scope.GLOBAL : Scope.department(department);
        if (!(who.isUser() && who.id() == userId)) {
          long decidedAt = authority.allowsFromIndex(who, "grants.read", home);
          if (decidedAt < 0) authority.require(c, who, "grants.read", home);
          else authority.confirmRead(c, who, "grants.read", home, decidedAt, rs.getLong(2));
        }
        JsonOut out = new JsonOut(512);
        out.raw(ITEMS);
        boolean first = true;
        do {
          long id = rs.getLong(3);
          if (rs.wasNull()) break; // a user without grants: one row of NULLs
          out.raw(first ? FIRST_ID : NEXT_ID).number(id).raw(USER).number(userId);
          first = false;
          out.raw(ROLE).text(rs, 4);
          out.raw(SCOPE).text(rs, 5);
          out.raw(VALID_FROM).timestamp(rs.getTimestamp(6));
          out.raw(VALID_UNTIL).timestamp(rs.getTimestamp(7));
          out.raw(REASON).text(rs, 8);
          long grantedBy = rs.getLong(9);
          out.raw(GRANTED_BY);
          if (rs.wasNull()) out.string(null);
          else out.number(grantedBy);
          out.raw(REVISION).number(rs.getLong(10));
        } while (rs.next());
        out.raw(first ? END : LAST_END);
        return Reply.okEncoded(out.finish());
      }
    }
  }
}
