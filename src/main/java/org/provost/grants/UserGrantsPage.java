package org.provost.grants;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.sql.Connection;
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

  private static final SerializableString ITEMS = JsonOut.name("items");
  private static final SerializableString ID = JsonOut.name("id");
  private static final SerializableString USER = JsonOut.name("user");
  private static final SerializableString ROLE = JsonOut.name("role");
  private static final SerializableString SCOPE = JsonOut.name("scope");
  private static final SerializableString VALID_FROM = JsonOut.name("valid_from");
  private static final SerializableString VALID_UNTIL = JsonOut.name("valid_until");
  private static final SerializableString REASON = JsonOut.name("reason");
  private static final SerializableString GRANTED_BY = JsonOut.name("granted_by");
  private static final SerializableString REVISION = JsonOut.name("revision");

  private UserGrantsPage() {}

  /**
   * The reply for {@code who} asking for user {@code userId}'s grants.
   *
   * @throws ServiceException.NotFound for an unknown user
   * @throws ServiceException.Forbidden when {@code who} is someone else without grants.read there
   */
  static Reply read(Connection c, Authority authority, Principal who, long userId) throws SQLException {
    return Jdbc.read(c, SQL, rs -> {
      try (JsonOut out = new JsonOut(512)) {
        if (!rs.next()) throw new ServiceException.NotFound("user", userId);
        long department = rs.getLong(1);
        Scope home = rs.wasNull() ? Scope.GLOBAL : Scope.department(department);
        if (!(who.isUser() && who.id() == userId)) {
          long decidedAt = authority.allowsFromIndex(who, "grants.read", home);
          if (decidedAt < 0) authority.require(c, who, "grants.read", home);
          else authority.confirmRead(c, who, "grants.read", home, decidedAt, rs.getLong(2));
        }
        JsonGenerator g = out.generator();
        g.writeStartObject();
        g.writeFieldName(ITEMS);
        g.writeStartArray();
        do {
          long id = rs.getLong(3);
          if (rs.wasNull()) break; // a user without grants: one row of NULLs
          g.writeStartObject();
          g.writeFieldName(ID);
          g.writeNumber(id);
          g.writeFieldName(USER);
          g.writeNumber(userId);
          JsonOut.text(g, ROLE, rs, 4);
          JsonOut.text(g, SCOPE, rs, 5);
          out.timestamp(VALID_FROM, rs.getTimestamp(6));
          out.timestamp(VALID_UNTIL, rs.getTimestamp(7));
          JsonOut.text(g, REASON, rs, 8);
          long grantedBy = rs.getLong(9);
          g.writeFieldName(GRANTED_BY);
          if (rs.wasNull()) g.writeNull();
          else g.writeNumber(grantedBy);
          g.writeFieldName(REVISION);
          g.writeNumber(rs.getLong(10));
          g.writeEndObject();
        } while (rs.next());
        g.writeEndArray();
        g.writeEndObject();
        return Reply.okEncoded(out.finish());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, userId);
  }
}
