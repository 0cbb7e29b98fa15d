package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.pipeline.EnvironmentChoice.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a build names its environment, and the contradiction that must be refused rather than resolved. */
class EnvironmentChoiceTest {
  @Test
  void profileIdsOfTheFormEnvEqualsNameNameTheEnvironment() {
    assertThat(EnvironmentChoice.fromProfileId("env=staging")).isEqualTo("staging");
    assertThat(EnvironmentChoice.fromProfileId("?env=production")).isEqualTo("production"); // Maven 4 optional
    assertThat(EnvironmentChoice.fromProfileId("staging")).isNull();
    assertThat(EnvironmentChoice.fromProfileId("env=")).isNull();
  }

  @Test
  void agreeingSourcesChooseOneContradictingOnesAreRefused() throws Exception {
    assertThat(EnvironmentChoice.decide(List.of(new Source("-Penv=staging", "staging"),
        new Source("profile 'env=staging' (deploy.env)", "staging")))).isEqualTo("staging");
    assertThat(EnvironmentChoice.decide(List.of())).isNull();
    assertThatThrownBy(() -> EnvironmentChoice.decide(List.of(new Source("-Denv", "production"),
        new Source("profile 'staging' (deploy.env)", "staging"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the build names two environments: 'production' by -Denv; 'staging' by profile 'staging' "
            + "(deploy.env). Choose one (e.g. only -Penv=staging, or only -Denv=production); nothing was deployed");
  }
}
