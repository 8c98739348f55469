package org.provost;

import picocli.CommandLine.IVersionProvider;

/** The version baked into the jar's manifest, or "dev" when run from classes. */
public final class Version implements IVersionProvider {
  public static String current() {
    String v = Provost.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"provost " + current()};
  }
}
