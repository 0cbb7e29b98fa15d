package dev.slipway.image.build;

/**
 * jib-core (and {@link dev.slipway.common.registry.RegistryClient}) send credentials over plain HTTP only when the JVM
 * property {@code sendCredentialsOverHttp} is true. It is switched on only while a build talks to registries the user
 * listed in {@code image.insecureRegistries}, and counted, so parallel module builds in one Maven JVM do not switch it
 * off under each other; a value the user set before is left alone.
 */
final class CredentialsOverHttp {
  private static final String PROPERTY = "sendCredentialsOverHttp";
  private static int holders;
  private static String before;

  private CredentialsOverHttp() {}

  static synchronized void allow() {
    if (holders++ == 0) {
      before = System.getProperty(PROPERTY);
      System.setProperty(PROPERTY, "true");
    }
  }

  static synchronized void release() {
    if (holders > 0 && --holders == 0) {
      if (before == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, before);
      }
    }
  }
}
