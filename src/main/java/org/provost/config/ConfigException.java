package org.provost.config;

/**
 * A configuration value that Provost cannot start with; the message names the key, the value (masked when it
 * is or holds a password, see {@link Secrets}) and the reason.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String value, String reason) {
    super("invalid configuration " + key + "=" + Secrets.mask(key, value) + ": " + reason);
  }

  /** A whole message, for errors that are not about one value (an unknown key). */
  ConfigException(String message) {
    super("invalid configuration: " + message);
  }
}
