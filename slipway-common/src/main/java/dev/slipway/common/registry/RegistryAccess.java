package dev.slipway.common.registry;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How every Slipway goal reaches registries, in one place: which registries may be spoken to over plain HTTP, and
 * how long a registry may stay silent. The policy for plain HTTP is the user's list and nothing else: a registry in
 * {@code insecureRegistries} is reached over HTTP and gets the same credentials as over HTTPS (the user listed it, so
 * the user accepted that), every other registry only over HTTPS. Build, SBOM, check, sign and verify all build their
 * clients here, so they agree.
 *
 * @param insecureRegistries {@code host[:port]} entries reachable over plain HTTP
 * @param timeout how long a request may go without any progress (no byte sent or received) before it fails
 * @param connectTimeout how long opening a connection may take
 */
public record RegistryAccess(Set<String> insecureRegistries, Duration timeout, Duration connectTimeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public RegistryAccess {
    insecureRegistries = Set.copyOf(new LinkedHashSet<>(insecureRegistries));
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
      throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
    }
  }

  /** HTTPS everywhere, default limits. */
  public static RegistryAccess secure() {
    return new RegistryAccess(Set.of(), DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /** The given insecure registries with default limits. */
  public static RegistryAccess of(Collection<String> insecureRegistries) {
    return new RegistryAccess(Set.copyOf(insecureRegistries), DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * From parameter values: durations as {@link Durations} reads them ({@code 30s}, {@code 500ms}, {@code PT1M}),
   * blank for the default; zero or negative is refused naming the parameter.
   */
  public static RegistryAccess fromParameters(Collection<String> insecureRegistries, String timeout,
      String timeoutParameter, String connectTimeout, String connectTimeoutParameter) throws InvalidInputException {
    return new RegistryAccess(Set.copyOf(insecureRegistries),
        positive(timeout, timeoutParameter, DEFAULT_TIMEOUT),
        positive(connectTimeout, connectTimeoutParameter, DEFAULT_CONNECT_TIMEOUT));
  }

  private static Duration positive(String text, String parameter, Duration fallback) throws InvalidInputException {
    if (text != null && text.strip().startsWith("-")) {
      throw new InvalidInputException(parameter + " = '" + text + "': must be a positive duration such as 30s");
    }
    Duration d = Durations.parseOptional(text, parameter);
    if (d == null) {
      return fallback;
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidInputException(parameter + " = '" + text + "': must be a positive duration such as 30s (zero "
          + "would wait forever or not at all)");
    }
    return d;
  }

  /** Whether {@code registry} ({@code host[:port]}) is one the user allowed plain HTTP for. */
  public boolean isInsecure(String registry) {
    return insecureRegistries.contains(registry);
  }

  /** A client for {@code registry/repository}: plain HTTP if listed, with these limits. */
  public RegistryClient client(String registry, String repository, RegistryCredentials credentials, Log log) {
    return new RegistryClient(registry, repository, credentials, this, log);
  }
}
