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

  /**
   * Whether {@link #load} could find {@code token} at all (it has the form of a token this authenticator
   * issues); never blocks. A token it could not is refused on the event loop, without a fill thread.
   */
  default boolean recognizes(String token) {
    return true;
  }

  /** The 401 for a token that is neither a Provost session nor an API key. */
  static org.provost.error.ServiceException unrecognized() {
    return new org.provost.error.ServiceException.Unauthenticated("invalid_token",
        "the token is not a Provost session or API key");
  }
}
