package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The ECS operations, awsJson1_1: a JSON request in, a JSON reply out, errors as {@link AwsError}. */
final class EcsApi {
  private final EcsModel model;

  EcsApi(EcsModel model) {
    this.model = model;
  }

  ObjectNode handle(String operation, JsonNode req) {
    model.advance();
    ObjectNode out = EcsModel.JSON.createObjectNode();
    switch (operation) {
      case "DescribeClusters" -> {
        ArrayNode clusters = out.putArray("clusters");
        ArrayNode failures = out.putArray("failures");
        JsonNode names = req.path("clusters");
        if (names.isMissingNode() || names.isEmpty()) {
          names = EcsModel.JSON.createArrayNode().add("default");
        }
        for (JsonNode n : names) {
          EcsModel.Cluster c = model.cluster(n.asText());
          if (c == null) {
            failures.addObject().put("arn", n.asText()).put("reason", "MISSING");
          } else {
            int running = 0;
            for (EcsModel.Service s : c.services.values()) {
              running += model.tasksOf(s, false).size();
            }
            clusters.addObject()
                .put("clusterArn", c.arn).put("clusterName", c.name).put("status", "ACTIVE")
                .put("activeServicesCount", c.services.size()).put("runningTasksCount", running)
                .put("pendingTasksCount", 0).put("registeredContainerInstancesCount", 0);
          }
        }
      }
      case "ListClusters" -> {
        ArrayNode arns = out.putArray("clusterArns");
        for (EcsModel.Cluster c : model.clusters()) {
          arns.add(c.arn);
        }
      }
      case "ListServices" -> {
        ArrayNode arns = out.putArray("serviceArns");
        for (EcsModel.Service s : model.requireCluster(req.path("cluster").asText(null)).services.values()) {
          arns.add(s.arn);
        }
      }
      case "DescribeServices" -> {
        EcsModel.Cluster c = model.requireCluster(req.path("cluster").asText(null));
        ArrayNode services = out.putArray("services");
        ArrayNode failures = out.putArray("failures");
        JsonNode names = req.path("services");
        if (!names.isArray() || names.isEmpty()) {
          throw AwsError.client("InvalidParameterException", "Services cannot be empty.");
        }
        for (JsonNode n : names) {
          String name = n.asText();
          EcsModel.Service s = c.services.get(name.substring(name.lastIndexOf('/') + 1));
          if (s == null) {
            failures.addObject().put("arn", name).put("reason", "MISSING");
          } else {
            services.add(model.serviceView(s));
          }
        }
      }
      case "DescribeTaskDefinition" -> {
        ObjectNode td = model.resolveTaskDefinition(req.path("taskDefinition").asText(null));
        out.set("taskDefinition", td.deepCopy());
        for (JsonNode inc : req.path("include")) {
          if ("TAGS".equals(inc.asText())) {
            out.set("tags", model.tagsOf(td.get("taskDefinitionArn").asText()));
          }
        }
      }
      case "RegisterTaskDefinition" -> {
        ObjectNode td = model.register((ObjectNode) req, "arn:aws:iam::123456789012:user/deployer");
        out.set("taskDefinition", td.deepCopy());
        out.set("tags", model.tagsOf(td.get("taskDefinitionArn").asText()));
      }
      case "ListTaskDefinitions" -> {
        ArrayNode arns = out.putArray("taskDefinitionArns");
        String family = req.path("familyPrefix").asText("");
        for (int rev = 1; ; rev++) {
          try {
            arns.add(model.resolveTaskDefinition(family + ":" + rev).get("taskDefinitionArn").asText());
          } catch (AwsError end) {
            break;
          }
        }
      }
      case "UpdateService" -> out.set("service", model.serviceView(model.updateService(req)));
      case "ListServiceDeployments" -> {
        EcsModel.Cluster c = model.requireCluster(req.path("cluster").asText(null));
        EcsModel.Service s = model.requireService(c, req.path("service").asText(null));
        java.util.Set<String> wanted = new java.util.HashSet<>();
        req.path("status").forEach(st -> wanted.add(st.asText()));
        ArrayNode list = out.putArray("serviceDeployments");
        for (int i = s.history.size() - 1; i >= 0; i--) {
          EcsModel.Deployment d = s.history.get(i);
          if (!wanted.isEmpty() && !wanted.contains(d.sdStatus)) {
            continue;
          }
          ObjectNode o = list.addObject();
          o.put("serviceDeploymentArn", d.serviceDeploymentArn);
          o.put("serviceArn", s.arn);
          o.put("clusterArn", c.arn);
          o.put("createdAt", d.createdAt / 1000.0);
          o.put("startedAt", d.createdAt / 1000.0);
          if (d.finishedAt != null) {
            o.put("finishedAt", d.finishedAt / 1000.0);
          }
          o.put("targetServiceRevisionArn", d.serviceRevisionArn);
          o.put("status", d.sdStatus);
        }
      }
      case "DescribeServiceDeployments" -> {
        ArrayNode list = out.putArray("serviceDeployments");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode arn : req.path("serviceDeploymentArns")) {
          EcsModel.Deployment d = model.findServiceDeployment(arn.asText());
          if (d == null) {
            failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
          } else {
            list.add(model.serviceDeploymentView(d));
          }
        }
      }
      case "DescribeServiceRevisions" -> {
        ArrayNode list = out.putArray("serviceRevisions");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode arn : req.path("serviceRevisionArns")) {
          ObjectNode r = model.serviceRevisionView(arn.asText());
          if (r == null) {
            failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
          } else {
            list.add(r);
          }
        }
      }
      case "StopServiceDeployment" -> {
        EcsModel.Deployment d = model.stopServiceDeployment(
            req.path("serviceDeploymentArn").asText(null), req.path("stopType").asText("ROLLBACK"));
        out.put("serviceDeploymentArn", d.serviceDeploymentArn);
      }
      case "ListTasks" -> {
        EcsModel.Cluster c = model.requireCluster(req.path("cluster").asText(null));
        ArrayNode arns = out.putArray("taskArns");
        boolean stopped = "STOPPED".equals(req.path("desiredStatus").asText("RUNNING"));
        for (EcsModel.Service s : c.services.values()) {
          if (!req.has("serviceName") || s.name.equals(req.get("serviceName").asText())) {
            for (EcsModel.Task t : model.tasksOf(s, stopped)) {
              arns.add(t.arn);
            }
          }
        }
      }
      case "DescribeTasks" -> {
        model.requireCluster(req.path("cluster").asText(null));
        ArrayNode tasks = out.putArray("tasks");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode arn : req.path("tasks")) {
          EcsModel.Task t = model.findTask(arn.asText());
          if (t == null) {
            failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
          } else {
            tasks.add(model.taskView(t));
          }
        }
      }
      default -> throw new AwsError(400, "UnknownOperationException",
          "The simulator does not implement " + operation + ".");
    }
    return out;
  }
}
