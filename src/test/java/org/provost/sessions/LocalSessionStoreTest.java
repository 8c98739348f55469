package org.provost.sessions;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;

/** The session contract on process memory (one backend per test, shared by the stores it opens). */
class LocalSessionStoreTest extends SessionStoreContract {
  private final AtomicLong users = new AtomicLong();
  private LocalSessionStore.Backend backend;

  @BeforeEach
  void freshBackend() {
    backend = new LocalSessionStore.Backend();
  }

  @Override
  SessionStore store() {
    return new LocalSessionStore(backend, IDLE);
  }

  @Override
  long newUser(String username) {
    return users.incrementAndGet();
  }
}
