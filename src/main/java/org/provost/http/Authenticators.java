package org.provost.http;

import java.util.Optional;
import java.util.function.Function;
import org.provost.error.ServiceException;
import org.provost.security.Tokens;

/** Routes a bearer token to the authenticator for its kind, by prefix. */
public final class Authenticators implements Authenticator {
  private final Function<String, Optional<Principal>> sessionCached;
  private final Function<String, Principal> sessionLoad;
  private final Function<String, Optional<Principal>> keyCached;
  private final Function<String, Principal> keyLoad;

  public Authenticators(Function<String, Optional<Principal>> sessionCached, Function<String, Principal> sessionLoad,
      Function<String, Optional<Principal>> keyCached, Function<String, Principal> keyLoad) {
    this.sessionCached = sessionCached;
    this.sessionLoad = sessionLoad;
    this.keyCached = keyCached;
    this.keyLoad = keyLoad;
  }

  @Override
  public Optional<Principal> cached(String token) {
    if (token.startsWith(Tokens.SESSION_PREFIX)) return sessionCached.apply(token);
    if (token.startsWith(Tokens.API_KEY_PREFIX)) return keyCached.apply(token);
    return Optional.empty();
  }

  @Override
  public Principal load(String token) {
    if (token.startsWith(Tokens.SESSION_PREFIX)) return sessionLoad.apply(token);
    if (token.startsWith(Tokens.API_KEY_PREFIX)) return keyLoad.apply(token);
    throw new ServiceException.Unauthenticated("invalid_token", "the token is not a Provost session or API key");
  }
}
