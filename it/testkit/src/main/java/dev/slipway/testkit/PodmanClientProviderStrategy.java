package dev.slipway.testkit;

import java.net.URI;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.InvalidConfigurationException;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * Hands Testcontainers the Docker API socket of the {@link PodmanRuntime} service running in this JVM. Testcontainers
 * finds it through {@code META-INF/services} and asks it after {@code tc.host} and {@code DOCKER_HOST} (which still
 * win when set), before the usual socket locations. It never writes itself into {@code ~/.testcontainers.properties}
 * (not persistable): outside a test run with the kit there is no such socket.
 */
public final class PodmanClientProviderStrategy extends DockerClientProviderStrategy {
  @Override
  public String getDescription() {
    PodmanService service = PodmanService.current();
    return "podman system service of the Slipway test kit" + (service == null ? "" : " on " + service.dockerHost());
  }

  @Override
  protected boolean isApplicable() {
    return PodmanService.current() != null;
  }

  @Override
  protected boolean isPersistable() {
    return false;
  }

  @Override
  protected int getPriority() {
    return 1000; // above the default unix socket and the docker-machine strategies
  }

  @Override
  public TransportConfig getTransportConfig() throws InvalidConfigurationException {
    PodmanService service = PodmanService.current();
    if (service == null) {
      throw new InvalidConfigurationException("no PodmanRuntime is started in this JVM");
    }
    return TransportConfig.builder().dockerHost(URI.create(service.dockerHost())).build();
  }
}
