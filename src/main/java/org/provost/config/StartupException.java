package org.provost.config;

/**
 * Provost cannot start, for a reason an operator can fix: the message names the setting or resource and says
 * what to do, in plain words (no exception text, never a password). {@code provost} prints it and exits 1.
 */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }
}
