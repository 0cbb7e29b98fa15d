package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import org.junit.jupiter.api.Test;

class PlatformsTest {
  @Test
  void parsesOsArchListsInOrder() throws Exception {
    assertThat(Platforms.parse(" linux/arm64, linux/amd64 ")).extracting(Platforms::name)
        .containsExactly("linux/arm64", "linux/amd64");
  }

  @Test
  void rejectsOtherShapesNamingTheExpectedForm() {
    assertThatThrownBy(() -> Platforms.parse("linux-amd64"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'linux-amd64'")
        .hasMessageContaining("os/arch")
        .hasMessageContaining("arm64");
    assertThatThrownBy(() -> Platforms.parse("linux/x86_64")).hasMessageContaining("amd64");
    assertThatThrownBy(() -> Platforms.parse(" , ")).hasMessageContaining("image.platforms is empty");
  }
}
