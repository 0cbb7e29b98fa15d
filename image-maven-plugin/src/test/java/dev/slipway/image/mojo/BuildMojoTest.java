package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  static org.codehaus.plexus.configuration.xml.XmlPlexusConfiguration xml(String name, String... children) {
    var c = new org.codehaus.plexus.configuration.xml.XmlPlexusConfiguration(name);
    for (int i = 0; i < children.length; i += 2) {
      c.addChild(children[i], children[i + 1]);
    }
    return c;
  }

  @Test
  void environmentAndLabelsTakeJibsMapFormTheListFormAndCommaSeparatedText() throws Exception {
    // jib's map form: the element name is the key, even when the value holds '='
    assertThat(KeyValueParameter.parse(xml("environment", "JAVA_TOOL_OPTIONS", "-Dfoo=bar", "APP_MODE", "prod"),
        e -> e, "image.environment", KeyValueParameter.ENVIRONMENT_ITEMS))
        .containsExactly(Map.entry("JAVA_TOOL_OPTIONS", "-Dfoo=bar"), Map.entry("APP_MODE", "prod"));
    assertThat(KeyValueParameter.parse(xml("labels", "org.opencontainers.image.vendor", "Acme", "team", "core"),
        e -> e, "image.labels", KeyValueParameter.LABEL_ITEMS))
        .containsExactly(Map.entry("org.opencontainers.image.vendor", "Acme"), Map.entry("team", "core"));
    // the list form, repeated item elements kept apart
    assertThat(KeyValueParameter.parse(xml("environment", "env", "A=1", "env", "B=x=y"), e -> e,
        "image.environment", KeyValueParameter.ENVIRONMENT_ITEMS))
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "x=y"));
    // -Dimage.labels=a=1,b=2 arrives as the parameter's text, through Maven's evaluation
    var fromProperty = new org.codehaus.plexus.configuration.xml.XmlPlexusConfiguration("labels");
    fromProperty.setValue("${image.labels}");
    assertThat(KeyValueParameter.parse(fromProperty, e -> e.equals("${image.labels}") ? "a=1, b=2" : null,
        "image.labels", KeyValueParameter.LABEL_ITEMS)).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    fromProperty.setValue("${image.labels}");
    assertThat(KeyValueParameter.parse(fromProperty, e -> null, "image.labels", KeyValueParameter.LABEL_ITEMS))
        .isEmpty();
    assertThatThrownBy(() -> KeyValueParameter.parse(xml("environment", "env", "NOVALUE"), e -> e,
        "image.environment", KeyValueParameter.ENVIRONMENT_ITEMS)).hasMessageContaining("image.environment");
  }
}
