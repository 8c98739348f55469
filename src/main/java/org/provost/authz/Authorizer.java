package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Answers "may this user do this here, now?". A denial is a value, never an exception. Implementations
 * may ignore {@code c} (an in-memory index) or query through it (the SQL evaluator).
 */
public interface Authorizer {
  boolean allowed(Connection c, long userId, String permission, Scope resource, Instant now) throws SQLException;

  /** The grants that allow it (empty when denied), each with the role and scope that carry it. */
  List<Reason> explain(Connection c, long userId, String permission, Scope resource, Instant now)
      throws SQLException;

  /** One grant that carries the permission to the resource. */
  record Reason(long grantId, String role, String scope) {}
}
