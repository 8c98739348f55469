package org.provost.grants;

import java.time.Instant;
import org.provost.authz.Scopes;
import org.provost.error.ServiceException;
import org.provost.http.Input;

/** A grant request validated for shape; the role and scope are looked up later, in the transaction. */
record NewGrant(String role, Scopes.Name scope, Instant validFrom, Instant validUntil, String reason) {
  static final String[] FIELDS = {"role", "scope", "valid_from", "valid_until", "reason"};
  private static final int MAX_ROLE = 64;
  private static final int MAX_SCOPE = 300;
  private static final int MAX_REASON = 500;

  /** {@code scope} is required: a grant is never global by omission. */
  static NewGrant read(Input in) {
    String role = in.requiredString("role", MAX_ROLE);
    String scopeText = in.requiredString("scope", MAX_SCOPE);
    Scopes.Name scope = null;
    if (scopeText != null) {
      try {
        scope = Scopes.parse("scope", scopeText);
      } catch (ServiceException.InvalidInput e) {
        e.errors().forEach(err -> in.error(err.field(), err.reason()));
      }
    }
    Instant from = in.optionalInstant("valid_from");
    Instant until = in.optionalInstant("valid_until");
    if (from != null && until != null && !until.isAfter(from)) in.error("valid_until", "must be after valid_from");
    String reason = in.optionalString("reason", MAX_REASON);
    in.validate();
    return new NewGrant(role, scope, from, until, reason == null ? "" : reason);
  }
}
