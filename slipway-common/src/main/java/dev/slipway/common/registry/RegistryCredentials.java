package dev.slipway.common.registry;

/**
 * A user name and password (or token) for one registry. {@link #toString()} never shows the password.
 */
public record RegistryCredentials(String username, String password, String source) {
  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", from " + source + "]";
  }
}
