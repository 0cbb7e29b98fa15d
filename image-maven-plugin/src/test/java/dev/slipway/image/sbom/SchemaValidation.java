package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.XmlParser;

/** Validates SBOM files against the official schemas, independently of how they were written. */
final class SchemaValidation {
  private SchemaValidation() {}

  static Set<ValidationMessage> spdx(JsonNode document) throws Exception {
    try (InputStream schema = SchemaValidation.class.getResourceAsStream("/spdx/spdx-schema-2.3.json")) {
      JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
      return s.validate(document);
    }
  }

  static List<String> cycloneDxJson(byte[] bytes) throws Exception {
    return new JsonParser().validate(bytes, Version.VERSION_16).stream().map(Throwable::getMessage).toList();
  }

  static List<String> cycloneDxXml(byte[] bytes) throws Exception {
    return new XmlParser().validate(bytes, Version.VERSION_16).stream().map(Throwable::getMessage).toList();
  }
}
