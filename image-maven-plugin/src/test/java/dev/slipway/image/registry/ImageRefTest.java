package dev.slipway.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import org.junit.jupiter.api.Test;

class ImageRefTest {
  @Test
  void parsesRegistryRepositoryTagAndDigestWithDockerHubDefaults() throws Exception {
    ImageRef local = ImageRef.parse("127.0.0.1:5000/team/app:1.0", "image.to");
    assertThat(local.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(local.repository()).isEqualTo("team/app");
    assertThat(local.tag()).isEqualTo("1.0");
    assertThat(local.reference()).isEqualTo("1.0");
    ImageRef hub = ImageRef.parse("eclipse-temurin", "image.from");
    assertThat(hub.name()).isEqualTo("registry-1.docker.io/library/eclipse-temurin");
    String digest = "sha256:" + "a".repeat(64);
    assertThat(ImageRef.parse("r.example/app@" + digest, "x").reference()).isEqualTo(digest);
  }

  @Test
  void anInvalidReferenceNamesTheParameterAndTheGrammar() {
    assertThatThrownBy(() -> ImageRef.parse("Registry.example/App:Bad Tag", "image.to"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.to = 'Registry.example/App:Bad Tag'")
        .hasMessageContaining("[registry[:port]/]repository[:tag]");
    assertThatThrownBy(() -> ImageRef.parse(" ", "image.from")).hasMessageContaining("image.from is empty");
  }
}
