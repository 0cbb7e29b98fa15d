package dev.slipway.ecssim;

import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code java -jar slipway-ecs-simulator.jar --port N --scenario FILE [--speed X] [--containers podman [--task-logs
 * DIR]]}: serves the scenario on 127.0.0.1:N until killed. {@code --speed 60} plays one simulated minute per real
 * second; {@code --speed 0} keeps a virtual clock that only {@code POST /_sim/advance?seconds=N} moves.
 * {@code --containers podman} runs every task as a container on the test kit's podman (see {@link ContainerTasks})
 * and prints the load balancer URL of each target group.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    Path scenarioFile = null;
    double speed = 1;
    String runtime = null;
    Path taskLogs = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--scenario" -> scenarioFile = Path.of(value(args, ++i, "--scenario"));
        case "--speed" -> speed = Double.parseDouble(value(args, ++i, "--speed"));
        case "--containers" -> runtime = value(args, ++i, "--containers");
        case "--task-logs" -> taskLogs = Path.of(value(args, ++i, "--task-logs"));
        case "--help", "-h" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown argument: " + args[i]);
          usage();
          System.exit(2);
        }
      }
    }
    Scenario scenario = scenarioFile == null ? new Scenario() : Scenario.read(scenarioFile);
    SimClock clock = speed == 0 ? new SimClock.Virtual(Instant.now()) : new SimClock.Accelerated(Instant.now(), speed);
    ContainerTasks containers = null;
    if (runtime != null) {
      if (!runtime.equals("podman")) {
        System.err.println("--containers: '" + runtime + "' is not supported; the one runtime is podman");
        System.exit(2);
      }
      containers = ContainerTasks.podman(dev.slipway.testkit.PodmanRuntime.create(),
          taskLogs != null ? taskLogs : java.nio.file.Files.createTempDirectory("ecs-simulator-tasks"));
    }
    EcsSimulator sim = new EcsSimulator(scenario, clock, containers).start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
    System.out.println("ECS simulator listening on " + sim.endpoint() + " (scenario "
        + (scenarioFile == null ? "empty" : scenarioFile) + ", speed " + (speed == 0 ? "virtual" : speed + "x")
        + (containers == null ? "" : ", tasks as podman containers, their output in " + sim.taskLogDirectory())
        + ")");
    if (containers != null) {
      for (Scenario.TargetGroup tg : scenario.targetGroups) {
        System.out.println("load balancer of " + tg.arn + ": " + sim.loadBalancerUrl(tg.arn));
      }
    }
    System.out.flush();
    Thread.currentThread().join();
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      System.err.println(name + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  private static void usage() {
    System.out.println("usage: java -jar slipway-ecs-simulator.jar --port N --scenario FILE.{json,yaml} [--speed X]"
        + " [--containers podman [--task-logs DIR]]");
  }
}
