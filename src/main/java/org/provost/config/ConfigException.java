package org.provost.config;

/** A configuration value that Provost cannot start with; the message names the key and the value. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String value, String reason) {
    super("invalid configuration " + key + "=" + value + ": " + reason);
  }
}
