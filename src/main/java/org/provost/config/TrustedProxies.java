package org.provost.config;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/** PROVOST_TRUSTED_PROXIES: IP addresses (no names, no ranges), each kept as given and in canonical form. */
final class TrustedProxies {
  private TrustedProxies() {}

  /** The addresses, IPv6 ones also as the peer address is reported ({@code 0:0:0:0:0:0:0:1} for {@code ::1}). */
  static Set<String> parse(Set<String> entries) {
    Set<String> out = new LinkedHashSet<>();
    for (String entry : entries) {
      if (entry.contains("/")) {
        throw new ConfigException("PROVOST_TRUSTED_PROXIES", String.join(",", entries), "'" + entry + "' is a range; "
            + "list each proxy's IP address instead, such as 127.0.0.1,::1,10.0.0.5");
      }
      if (!entry.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new ConfigException("PROVOST_TRUSTED_PROXIES", String.join(",", entries), "'" + entry + "' is not an IP "
            + "address; list each proxy's IP address, comma-separated, such as 127.0.0.1,::1");
      }
      try {
        out.add(entry);
        out.add(InetAddress.ofLiteral(entry).getHostAddress());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("PROVOST_TRUSTED_PROXIES", String.join(",", entries), "'" + entry + "' is not an IP "
            + "address; list each proxy's IP address, comma-separated, such as 127.0.0.1,::1");
      }
    }
    return Set.copyOf(out);
  }
}
