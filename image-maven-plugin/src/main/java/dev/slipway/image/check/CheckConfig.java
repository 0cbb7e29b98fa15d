package dev.slipway.image.check;

import java.util.List;
import java.util.Map;

/**
 * The policy to check an image against.
 *
 * @param maxSizeBytes limit of the compressed size of each platform image (manifest + config + layers)
 * @param requiredLabels labels that must be set (non-empty) on every platform image
 * @param platforms requested platforms ({@code os/arch[/variant]}); empty = not checked
 * @param ports the ports the image must declare ({@code 8080} = {@code 8080/tcp}); empty = at least one
 * @param baseImage the base image reference as configured, or null when unknown
 * @param severities the severity of every rule
 */
public record CheckConfig(long maxSizeBytes, List<String> requiredLabels, List<String> platforms, List<String> ports,
    String baseImage, Map<Rule, Severity> severities) {

  public CheckConfig {
    requiredLabels = requiredLabels == null ? List.of() : List.copyOf(requiredLabels);
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    ports = ports == null ? List.of() : List.copyOf(ports);
    severities = Map.copyOf(severities);
  }
}
