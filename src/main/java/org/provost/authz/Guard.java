package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.provost.error.ServiceException;
import org.provost.http.Principal;

/** Admin-API permission checks: the caller must hold {@code permission} in the target's scope. */
public final class Guard {
  private final Authorizer authorizer;
  private final Clock clock;

  public Guard(Authorizer authorizer, Clock clock) {
    this.authorizer = authorizer;
    this.clock = clock;
  }

  public boolean holds(Connection c, Principal who, String permission, Scope scope) throws SQLException {
    if (!who.isUser()) return who.clientPermissions().contains(permission);
    return authorizer.allowed(c, who.id(), permission, scope, clock.instant());
  }

  public void require(Connection c, Principal who, String permission, Scope scope) throws SQLException {
    if (!holds(c, who, permission, scope)) {
      throw new ServiceException.Forbidden("forbidden",
          who.auditName() + " lacks permission " + permission + " here");
    }
  }
}
