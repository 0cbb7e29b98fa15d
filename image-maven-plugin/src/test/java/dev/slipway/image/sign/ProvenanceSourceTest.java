package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.git.GitInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The provenance names the source repository by its public URL only, the same one as the image's source label. */
class ProvenanceSourceTest {
  private static JsonNode predicate(String remote) {
    var git = new GitInfo("abc123", "main", List.of(), remote);
    return Statements.provenance(Statements.Provenance.of(Optional.of(git), Map.of(), null, "g", "a", "1",
        List.of(), Map.of(), Instant.EPOCH, Instant.EPOCH, null));
  }

  @Test
  void aRemoteThatIsALocalPathLeavesNoPathInTheProvenance() {
    JsonNode p = predicate("/home/dev/upstream/svc.git");
    assertThat(p.toString()).doesNotContain("/home/dev");
    assertThat(p.path("buildDefinition").path("externalParameters").path("source").path("repository").isMissingNode())
        .isTrue();
  }

  @Test
  void anSshRemoteIsWrittenInItsHttpsForm() {
    JsonNode p = predicate("git@github.com:acme/svc.git");
    assertThat(p.path("buildDefinition").path("externalParameters").path("source").path("repository").asText())
        .isEqualTo("https://github.com/acme/svc.git");
  }
}
