package dev.slipway.ecssim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {
  @TempDir Path dir;

  @Test
  void readsYamlAndNamesFileLineAndFieldOfMistakes() throws Exception {
    Scenario s = Scenario.read(Path.of(getClass().getResource("/shop.yaml").toURI()));
    assertThat(s.clusters.get(0).services.get(0).desiredCount).isEqualTo(2);
    assertThat(s.rollouts.get(0).outcome).isEqualTo(Scenario.Outcome.CRASH);

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "region: eu-west-1\nclusters:\n  - name: x\n    sevrices: []\n");
    assertThatThrownBy(() -> Scenario.read(bad)).isInstanceOf(IOException.class)
        .hasMessageContaining(bad + ":4:").hasMessageContaining("sevrices");
  }
}
