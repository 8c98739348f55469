package org.provost.sessions;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The failure-log contract in process memory. */
class LocalFailureLogTest extends FailureLogContract {
  @Override
  FailureLog log() {
    return new LocalFailureLog(WINDOW, LoginThrottle.TRUST, KEEP, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
  }
}
