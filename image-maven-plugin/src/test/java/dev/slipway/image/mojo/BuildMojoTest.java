package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildMojoTest {
  @Test
  void creationTimeFollowsTheReproducibleBuildConventions() throws Exception {
    assertThat(BuildMojo.creationTime(null, "2026-01-01T00:00:00Z")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(BuildMojo.creationTime(null, "1767225600")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(BuildMojo.creationTime("", null)).isEqualTo(Instant.EPOCH);
    assertThat(BuildMojo.creationTime("now", "2026-01-01T00:00:00Z")).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
    assertThatThrownBy(() -> BuildMojo.creationTime("yesterday", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.creationTime = 'yesterday'")
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> BuildMojo.creationTime(null, "last week"))
        .hasMessageContaining("project.build.outputTimestamp = 'last week'");
    assertThat(BuildMojo.creationTime("epoch", "2026-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
    assertThat(BuildMojo.creationTime(null, "2026-01-01T01:00:00+01:00")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void keyValuesNameTheParameterOfABadEntry() throws Exception {
    assertThat(BuildMojo.keyValues(List.of("A=1", "B=x=y"), "image.environment"))
        .containsEntry("A", "1").containsEntry("B", "x=y");
    assertThatThrownBy(() -> BuildMojo.keyValues(List.of("NOVALUE"), "image.environment"))
        .hasMessage("image.environment: 'NOVALUE' is not KEY=value");
  }

  @Test
  void listParametersAcceptCommaSeparatedValues() {
    assertThat(BuildMojo.split(List.of("a, b", " ", "c"))).containsExactly("a", "b", "c");
  }
}
