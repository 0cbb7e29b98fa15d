package dev.slipway.deploy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The deployment configuration UpdateService sends: the service's own configuration with only the settings the POM
 * names laid over it, so a strategy, a circuit breaker or alarms the POM does not mention are never replaced by
 * defaults of ours. Null when the POM configures nothing: then no configuration is sent at all.
 */
public final class DeploymentConfigurations {
  private DeploymentConfigurations() {}

  /** {@code current} as ECS reports it (member names of the API), overlaid with what {@code env} configures. */
  public static ObjectNode merge(JsonNode current, EnvironmentSpec env) {
    boolean configured = env.strategy() != null || env.minimumHealthyPercent() != null
        || env.maximumPercent() != null || env.bakeTimeMinutes() != null || env.circuitBreakerEnable() != null
        || env.circuitBreakerRollback() != null || env.stepPercent() != null || env.stepBakeTimeMinutes() != null
        || env.deploymentAlarms() != null;
    if (!configured) {
      return null;
    }
    ObjectNode out = current != null && current.isObject() ? ((ObjectNode) current).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    if (env.strategy() != null) {
      out.put("strategy", env.strategy().name());
    }
    if (env.minimumHealthyPercent() != null) {
      out.put("minimumHealthyPercent", env.minimumHealthyPercent());
    }
    if (env.maximumPercent() != null) {
      out.put("maximumPercent", env.maximumPercent());
    }
    if (env.bakeTimeMinutes() != null) {
      out.put("bakeTimeInMinutes", env.bakeTimeMinutes());
    }
    if (env.circuitBreakerEnable() != null || env.circuitBreakerRollback() != null) {
      ObjectNode cb = out.has("deploymentCircuitBreaker") && out.get("deploymentCircuitBreaker").isObject()
          ? (ObjectNode) out.get("deploymentCircuitBreaker") : out.putObject("deploymentCircuitBreaker");
      if (env.circuitBreakerEnable() != null) {
        cb.put("enable", env.circuitBreakerEnable());
        if (!cb.has("rollback") && env.circuitBreakerRollback() == null) {
          cb.put("rollback", env.circuitBreakerEnable()); // a breaker switched on for the first time rolls back
        }
      } else if (!cb.has("enable")) {
        cb.put("enable", false);
      }
      if (env.circuitBreakerRollback() != null) {
        cb.put("rollback", env.circuitBreakerRollback());
      }
    }
    if (env.stepPercent() != null || env.stepBakeTimeMinutes() != null) {
      EnvironmentSpec.Strategy s = env.strategyOr(out.path("strategy").asText(null));
      if (s == EnvironmentSpec.Strategy.CANARY) {
        ObjectNode c = out.putObject("canaryConfiguration");
        putIfSet(c, "canaryPercent", env.stepPercent());
        putIfSet(c, "canaryBakeTimeInMinutes", env.stepBakeTimeMinutes());
      } else if (s == EnvironmentSpec.Strategy.LINEAR) {
        ObjectNode l = out.putObject("linearConfiguration");
        putIfSet(l, "stepPercent", env.stepPercent());
        putIfSet(l, "stepBakeTimeInMinutes", env.stepBakeTimeMinutes());
      }
    }
    if (env.deploymentAlarms() != null) {
      ObjectNode alarms = out.putObject("alarms");
      var names = alarms.putArray("alarmNames");
      env.deploymentAlarms().names().forEach(names::add);
      alarms.put("enable", !env.deploymentAlarms().names().isEmpty());
      alarms.put("rollback", env.deploymentAlarms().rollback());
    }
    return out;
  }

  private static void putIfSet(ObjectNode o, String field, Number value) {
    if (value instanceof Double d) {
      o.put(field, d);
    } else if (value instanceof Integer i) {
      o.put(field, i);
    }
  }
}
