package org.provost.users;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.security.PasswordPolicy;
import org.provost.sessions.PostgresSessionStore;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.security.PasswordHasher;

/**
 * {@code /v1/users}. Reading needs {@code users.read} in the target user's department (which covers its
 * sub-departments). Any change to someone's account goes through {@link Authority#requireAccountWrite}:
 * {@code users.write} there (and in the destination when it moves them) and domination of the user, so
 * nobody takes over, locks out or re-homes someone more privileged. Everyone may read themselves and change
 * their own display name; their own password changes through {@code POST /v1/me/password}. An
 * administrator's password reset ends every session of the user.
 */
public final class UserRoutes {
  static final Set<String> TYPES = Set.of("student", "faculty", "staff", "affiliate");
  private static final String[] FIELDS = {"username", "email", "display_name", "type", "department", "external_id",
      "active", "verified", "password"};

  private UserRoutes() {}

  public static void mount(Api api, Database db, UserStore users, UserSearch search, Authority authority,
      PasswordHasher hasher) {
    api.describe("/openapi/users.json");
    UserChangeFeed.mount(api, db, authority); // before /v1/users/{id}, which would take "changes" for an id
    api.blocking(HttpMethod.GET, "/v1/users", req -> {
      int limit = req.queryInt("limit", 1, 500, 50);
      int offset = req.queryInt("offset", 0, Integer.MAX_VALUE, 0);
      long after = req.query("after").map(UserRoutes::cursor).orElse(0L);
      if (offset > 0 && after > 0) throw new ServiceException.InvalidInput("offset", "use after or offset, not both");
      String type = req.query("type").orElse(null);
      if (type != null && !TYPES.contains(type)) {
        throw new ServiceException.InvalidInput("type", "must be one of student, faculty, staff, affiliate");
      }
      Optional<String> department = req.query("department");
      Boolean active = req.queryBoolean("active").orElse(null);
      Boolean verified = req.queryBoolean("verified").orElse(null);
      String q = req.query("q").orElse(null);
      if (q != null && q.length() > 100) throw new ServiceException.InvalidInput("q", "must be at most 100 characters");
      boolean withGrants = req.query("include").map(v -> {
        if (!v.equals("grants")) throw new ServiceException.InvalidInput("include", "the only value is grants");
        return true;
      }).orElse(false);
      if (!withGrants && department.isEmpty()) {
        // the common case: the permission from memory, the page in one statement written straight to JSON
        UserStore.Filter filter = new UserStore.Filter(type, null, active, verified, q);
        Principal who = req.principal();
        long decidedAt = authority.allowsFromIndex(who, "users.read", Scope.GLOBAL);
        return db.query(c -> {
          if (decidedAt < 0) authority.require(c, who, "users.read", Scope.GLOBAL);
          UserListing.Page page = UserListing.page(c, search, filter, limit, after, offset);
          if (decidedAt >= 0) authority.confirmRead(c, who, "users.read", Scope.GLOBAL, decidedAt, page.revision());
          return Reply.okEncoded(page.json());
        });
      }
      return db.read(c -> {
        Long departmentId = null;
        Scope scope = Scope.GLOBAL;
        if (department.isPresent()) {
          departmentId = departmentId(c, "department", department.get());
          scope = Scope.department(departmentId);
        }
        authority.require(c, req.principal(), "users.read", scope);
        UserStore.Filter filter = new UserStore.Filter(type, departmentId, active, verified, q);
        if (!withGrants) return Reply.okEncoded(UserListing.page(c, filter, limit, after, offset).json());
        UserStore.Page page = users.list(c, filter, limit, after, offset);
        JsonArray items = new JsonArray();
        for (User u : page.items()) items.add(u.toJson());
        // the grants are the grants API's data: the same right, grants.read, in the listing's scope
        authority.require(c, req.principal(), "grants.read", scope);
        UserGrants.attach(c, page.items(), items);
        String next = page.hasMore() ? Long.toString(page.items().getLast().id()) : null;
        return Reply.ok(new JsonObject().put("items", items).put("next", next).put("has_more", page.hasMore()));
      });
    });

    api.blocking(HttpMethod.POST, "/v1/users", req -> {
      NewUser u = readNew(req.json(FIELDS));
      if (u.password() != null) PasswordPolicy.check("password", u.password(), u.username(), u.email(), null);
      String hash = u.password() == null ? null : hasher.hash(u.password());
      return authority.write(db, c -> {
        Long departmentId = u.department() == null ? null : departmentId(c, "department", u.department());
        authority.requireToWrite(c, req.principal(), "users.write", scopeOf(departmentId));
        if (u.externalId() != null) requireSisLink(c, authority, req.principal());
        long id = users.insert(c, u, departmentId, hash);
        long revision = Changelog.recordUser(c, id, Change.Op.CREATE);
        User created = users.get(c, id);
        Audit.record(c, req.principal(), "user.create", "user", id, null, created.toJson());
        return Reply.created(created.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/users/{id}", req -> {
      long id = req.pathId("id", "user");
      return db.read(c -> {
        User u = users.get(c, id);
        if (!isSelf(req.principal(), id)) authority.require(c, req.principal(), "users.read", scopeOf(u.departmentId()));
        return Reply.ok(u.toJson());
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/users/{id}", req -> {
      long id = req.pathId("id", "user");
      UserChange change = readChange(req.json(FIELDS));
      boolean self = isSelf(req.principal(), id);
      if (self && change.password() != null) {
        throw new ServiceException.InvalidInput("password", "change your own password with POST /v1/me/password,"
            + " which asks for the current one");
      }
      String hash = change.password() == null ? null : hasher.hash(change.password());
      return authority.write(db, c -> {
        User before = users.get(c, id);
        Long newDepartment = change.department() == null ? null : departmentId(c, "department", change.department());
        if (change.password() != null) {
          PasswordPolicy.check("password", change.password(), change.username() != null ? change.username()
              : before.username(), change.email() != null ? change.email() : before.email(), null);
        }
        if (!(self && change.selfServiceOnly())) {
          Scope destination = change.clearDepartment() ? Scope.GLOBAL
              : newDepartment == null ? null : scopeOf(newDepartment);
          authority.requireAccountWrite(c, req.principal(), id, scopeOf(before.departmentId()), destination);
        }
        if (change.externalId() != null) requireSisLink(c, authority, req.principal());
        long admins = authority.activeAdmins(c);
        users.update(c, id, change, newDepartment, hash);
        long revision;
        if (Boolean.FALSE.equals(change.active()) && before.active()) {
          revision = PostgresSessionStore.deactivate(c, id);
          authority.requireAdminRemains(c, admins);
        } else if (hash != null) {
          revision = PostgresSessionStore.endAll(c, id, 0);
        } else {
          revision = Changelog.recordUser(c, id, Change.Op.UPDATE);
        }
        User after = users.get(c, id);
        Audit.record(c, req.principal(), hash != null ? "user.password_reset" : "user.update", "user", id,
            before.toJson(), after.toJson());
        return Reply.ok(after.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/users/{id}/sessions", req -> {
      long id = req.pathId("id", "user");
      return db.read(c -> {
        User u = users.get(c, id);
        if (!isSelf(req.principal(), id)) authority.require(c, req.principal(), "users.read", scopeOf(u.departmentId()));
        JsonArray items = new JsonArray();
        for (JsonObject session : PostgresSessionStore.live(c, id)) {
          items.add(session.put("current", isSelf(req.principal(), id)
              && session.getLong("id") == req.principal().sessionId()));
        }
        return Reply.ok(new JsonObject().put("items", items));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/users/{id}/sessions", req -> {
      long id = req.pathId("id", "user");
      return authority.write(db, c -> {
        User u = users.get(c, id);
        if (!isSelf(req.principal(), id)) {
          authority.requireAccountWrite(c, req.principal(), id, scopeOf(u.departmentId()), null);
        }
        long revision = PostgresSessionStore.endAll(c, id, 0);
        Audit.record(c, req.principal(), "user.sessions_end", "user", id, null, null);
        return Reply.ok(new JsonObject().put("id", id).put("revision", revision));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/users/{id}/sessions/{session_id}", req -> {
      long id = req.pathId("id", "user");
      long sessionId = req.pathId("session_id", "session");
      return authority.write(db, c -> {
        User u = users.get(c, id);
        if (!isSelf(req.principal(), id)) {
          authority.requireAccountWrite(c, req.principal(), id, scopeOf(u.departmentId()), null);
        }
        long revision = PostgresSessionStore.revoke(c, sessionId, id);
        if (revision == 0) throw new ServiceException.NotFound("session", sessionId);
        Audit.record(c, req.principal(), "user.session_end", "user", id, null,
            new JsonObject().put("session", sessionId));
        return Reply.ok(new JsonObject().put("id", sessionId).put("user", id).put("ended", true)
            .put("revision", revision));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/users/{id}", req -> {
      long id = req.pathId("id", "user");
      return authority.write(db, c -> {
        User before = users.get(c, id);
        authority.requireAccountWrite(c, req.principal(), id, scopeOf(before.departmentId()), null);
        long revision;
        if (before.active()) {
          long admins = authority.activeAdmins(c);
          users.update(c, id, new UserChange(null, null, null, null, null, false, null, false, null, null), null, null);
          revision = PostgresSessionStore.deactivate(c, id);
          authority.requireAdminRemains(c, admins);
          Audit.record(c, req.principal(), "user.deactivate", "user", id, before.toJson(),
              users.get(c, id).toJson());
        } else {
          revision = Changelog.current(c);
        }
        return Reply.ok(new JsonObject().put("id", id).put("active", false).put("revision", revision));
      });
    });
  }

  /**
   * An account's external_id links it to a person in the SIS, whose import then adopts it: setting one needs
   * {@code imports.run} globally, the right to speak for the SIS (else a placeholder with a future hire's id
   * and a known password would become their account).
   */
  private static void requireSisLink(Connection c, Authority authority, Principal who) throws SQLException {
    if (!authority.holds(c, who, "imports.run", Scope.GLOBAL)) {
      throw new ServiceException.Forbidden("forbidden", "setting external_id links the account to the SIS; that"
          + " needs imports.run globally");
    }
  }

  private static boolean isSelf(Principal p, long userId) {
    return p.isUser() && p.id() == userId;
  }

  private static Scope scopeOf(Long departmentId) {
    return departmentId == null ? Scope.GLOBAL : Scope.department(departmentId);
  }

  private static long departmentId(Connection c, String field, String code) throws SQLException {
    return Jdbc.one(c, "SELECT id FROM departments WHERE code = ?", rs -> rs.getLong(1), code)
        .orElseThrow(() -> new ServiceException.InvalidInput(field, "no department has code " + code));
  }

  private static long cursor(String raw) {
    try {
      long v = Long.parseLong(raw);
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new ServiceException.InvalidInput("after", "is not a cursor returned as next");
    }
  }

  static NewUser readNew(Input in) {
    String username = identifier(in, "username", true);
    String email = identifier(in, "email", true);
    String displayName = in.optionalString("display_name", 200);
    String type = in.requiredString("type", 20);
    if (type != null && !TYPES.contains(type)) in.error("type", "must be one of student, faculty, staff, affiliate");
    String department = in.optionalString("department", 64);
    String externalId = in.optionalString("external_id", 128);
    Boolean active = in.optionalBoolean("active");
    Boolean verified = in.optionalBoolean("verified");
    String password = password(in);
    in.validate();
    return new NewUser(username, email, displayName == null ? "" : displayName, type, department, externalId,
        active == null || active, verified != null && verified, password);
  }

  static UserChange readChange(Input in) {
    String username = identifier(in, "username", false);
    String email = identifier(in, "email", false);
    String displayName = in.optionalString("display_name", 200);
    String type = in.optionalString("type", 20);
    if (type != null && !TYPES.contains(type)) in.error("type", "must be one of student, faculty, staff, affiliate");
    boolean clearDepartment = in.has("department") && in.optionalString("department", 64) == null;
    String department = in.optionalString("department", 64);
    String externalId = in.optionalString("external_id", 128);
    Boolean active = in.optionalBoolean("active");
    Boolean verified = in.optionalBoolean("verified");
    String password = password(in);
    in.validate();
    return new UserChange(username, email, displayName, type, department, clearDepartment, externalId, active,
        verified, password);
  }

  /**
   * A username or email in its display form ({@link Identifiers#display}), or null (absent, or an error was
   * recorded naming the field: a control, NUL or invisible character, the wrong shape, all digits).
   */
  static String identifier(Input in, String field, boolean required) {
    boolean username = field.equals("username");
    int max = username ? 64 : 254;
    String raw = required ? in.requiredString(field, max) : in.optionalString(field, max);
    if (raw == null) return null;
    String problem = Identifiers.problem(raw);
    String display = problem == null ? Identifiers.display(raw) : null;
    if (problem == null) problem = username ? Identifiers.usernameProblem(display) : Identifiers.emailProblem(display);
    if (problem != null) {
      in.error(field, problem);
      return null;
    }
    return display;
  }

  /** Shape only here; {@link PasswordPolicy} is checked against the account when it is known. */
  private static String password(Input in) {
    String password = in.optionalString("password", PasswordPolicy.MAX_LENGTH * 4);
    if (password != null) {
      String problem = PasswordPolicy.problem(password, null, null, null);
      if (problem != null) in.error("password", problem);
    }
    return password;
  }
}
