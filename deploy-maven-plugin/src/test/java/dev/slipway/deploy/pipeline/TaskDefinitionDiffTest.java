package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TaskDefinitionDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void reportsChangedAddedAndRemovedPointers() throws Exception {
    var before = JSON.readTree("{\"family\":\"web\",\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"a\","
        + "\"environment\":[{\"name\":\"X\",\"value\":\"\"}]}],\"cpu\":\"256\"}");
    var after = JSON.readTree("{\"family\":\"web\",\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"b\","
        + "\"environment\":[{\"name\":\"X\",\"value\":\"\"}]}],\"memory\":\"512\"}");
    assertThat(TaskDefinitionDiff.diff(before, after)).containsExactly(
        "~ /containerDefinitions/0/image: \"a\" -> \"b\"",
        "- /cpu: \"256\"",
        "+ /memory: \"512\"");
    assertThat(TaskDefinitionDiff.diff(before, before)).isEmpty();
  }
}
