package org.provost.http;

import java.util.Optional;

/**
 * Resolves a bearer token to a principal. {@link #cached} never blocks and may be called on the event
 * loop; {@link #load} may query the database and runs off it.
 */
public interface Authenticator {
  /** The principal for a token known in memory, or empty when the token must be loaded. */
  Optional<Principal> cached(String token);

  /** Loads a token from storage; throws Unauthenticated when it is unknown, expired or revoked. */
  Principal load(String token);
}
