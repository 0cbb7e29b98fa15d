package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * CloudWatch on the wire, in both protocols its clients speak: Smithy RPC v2 CBOR (the Java SDK since 2.40.6:
 * {@code POST /service/GraniteServiceVersion20100801/operation/<Operation>}, {@code smithy-protocol: rpc-v2-cbor},
 * timestamps as CBOR tag 1 epoch seconds) and awsJson1_0 (awscli 1.x: {@code X-Amz-Target:
 * GraniteServiceVersion20100801.<Operation>}, timestamps as epoch-second numbers). Both decode to the same JSON tree,
 * which {@link CloudWatchModel} answers.
 */
final class CloudWatchApi {
  static final String SERVICE = "GraniteServiceVersion20100801";
  static final String CBOR_PATH = "/service/" + SERVICE + "/operation/";
  static final String JSON_TARGET = SERVICE + ".";

  /** Members whose values (or, for lists, elements) are timestamps: tagged 1 in CBOR. */
  private static final Set<String> TIMESTAMPS = Set.of("Timestamps", "Timestamp", "StateUpdatedTimestamp",
      "StateTransitionedTimestamp", "AlarmConfigurationUpdatedTimestamp", "StartTime", "EndTime");

  private static final CBORMapper CBOR = new CBORMapper();
  private static final CBORFactory CBOR_FACTORY = new CBORFactory();

  private final CloudWatchModel model;

  CloudWatchApi(CloudWatchModel model) {
    this.model = model;
  }

  ObjectNode handle(String operation, JsonNode req) {
    return switch (operation) {
      case "GetMetricData" -> model.getMetricData(req);
      case "DescribeAlarms" -> model.describeAlarms(req);
      default -> throw new AwsError(400, "UnknownOperationException",
          "The simulator does not implement CloudWatch " + operation + ".");
    };
  }

  static JsonNode readCbor(byte[] body) {
    if (body.length == 0) {
      return EcsModel.JSON.createObjectNode();
    }
    try {
      return CBOR.readTree(body);
    } catch (IOException e) {
      throw new AwsError(400, "SerializationException", "malformed CBOR: " + e.getMessage());
    }
  }

  /** {@code tree} as CBOR, with maps of indefinite length as the SDK writes them and tagged timestamps. */
  static byte[] writeCbor(JsonNode tree) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = CBOR_FACTORY.createGenerator(out)) {
      write(g, tree, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(CBORGenerator g, JsonNode n, boolean timestamp) throws IOException {
    if (n.isObject()) {
      g.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        g.writeFieldName(e.getKey());
        write(g, e.getValue(), TIMESTAMPS.contains(e.getKey()));
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode x : n) {
        write(g, x, timestamp);
      }
      g.writeEndArray();
    } else if (n.isNumber() && timestamp) {
      g.writeTag(1);
      g.writeNumber(n.asDouble());
    } else if (n.isTextual()) {
      g.writeString(n.asText());
    } else if (n.isBoolean()) {
      g.writeBoolean(n.asBoolean());
    } else if (n.isIntegralNumber()) {
      g.writeNumber(n.asLong());
    } else if (n.isNumber()) {
      g.writeNumber(n.asDouble());
    } else {
      g.writeNull();
    }
  }

  /** The error body both protocols use: the error's code in {@code __type} and its message. */
  static ObjectNode error(AwsError e) {
    return EcsModel.JSON.createObjectNode().put("__type", e.code()).put("message", e.getMessage())
        .put("Message", e.getMessage());
  }

}
