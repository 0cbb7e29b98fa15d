package dev.slipway.deploy.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * Renders SDK model objects as JSON with the API's own member names, walking the model's field metadata rather than
 * naming fields by hand, so that journals and diffs show exactly what ECS has or will get. Empty strings stay.
 */
final class SdkJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SdkJson() {}

  static ObjectNode of(SdkPojo pojo) {
    ObjectNode o = F.objectNode();
    for (SdkField<?> field : pojo.sdkFields()) {
      Object v = field.getValueOrDefault(pojo);
      if (v == null || isAutoConstructEmpty(v)) {
        continue;
      }
      o.set(field.locationName(), value(v));
    }
    return o;
  }

  /**
   * The reverse of {@link #of}: sets every member of {@code builder} that {@code json} has (by the API's member
   * names) and builds it, so that a configuration recorded from ECS can be sent back to ECS unchanged.
   */
  @SuppressWarnings("unchecked")
  static <T> T read(JsonNode json, SdkPojo builder) {
    for (SdkField<?> field : builder.sdkFields()) {
      JsonNode v = json.get(field.locationName());
      if (v != null && !v.isNull()) {
        field.set(builder, fromJson(v, field));
      }
    }
    return (T) ((SdkBuilder<?, ?>) builder).build();
  }

  private static Object fromJson(JsonNode v, SdkField<?> field) {
    MarshallingType<?> type = field.marshallingType();
    if (type == MarshallingType.SDK_POJO) {
      return read(v, field.constructor().get());
    }
    if (type == MarshallingType.LIST) {
      SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
      List<Object> out = new ArrayList<>();
      v.forEach(x -> out.add(fromJson(x, member)));
      return out;
    }
    if (type == MarshallingType.MAP) {
      SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
      Map<String, Object> out = new LinkedHashMap<>();
      v.fields().forEachRemaining(e -> out.put(e.getKey(), fromJson(e.getValue(), member)));
      return out;
    }
    if (type == MarshallingType.INTEGER) {
      return v.asInt();
    }
    if (type == MarshallingType.LONG) {
      return v.asLong();
    }
    if (type == MarshallingType.DOUBLE) {
      return v.asDouble();
    }
    if (type == MarshallingType.FLOAT) {
      return (float) v.asDouble();
    }
    if (type == MarshallingType.BOOLEAN) {
      return v.asBoolean();
    }
    if (type == MarshallingType.INSTANT) {
      return Instant.parse(v.asText());
    }
    if (type == MarshallingType.SDK_BYTES) {
      return SdkBytes.fromUtf8String(v.asText());
    }
    return v.asText();
  }

  private static boolean isAutoConstructEmpty(Object v) {
    return v instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>
        || v instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>;
  }

  private static JsonNode value(Object v) {
    if (v instanceof SdkPojo p) {
      return of(p);
    }
    if (v instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(value(x)));
      return a;
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, x) -> o.set(String.valueOf(k), value(x)));
      return o;
    }
    if (v instanceof String s) {
      return F.textNode(s);
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Double d) {
      return F.numberNode(d);
    }
    if (v instanceof Float f) {
      return F.numberNode(f);
    }
    if (v instanceof Instant t) {
      return F.textNode(t.toString());
    }
    if (v instanceof SdkBytes b) {
      return F.textNode(b.asUtf8String());
    }
    return F.textNode(String.valueOf(v));
  }
}
