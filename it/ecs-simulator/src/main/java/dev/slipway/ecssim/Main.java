package dev.slipway.ecssim;

import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code java -jar slipway-ecs-simulator.jar --port N --scenario FILE [--speed X]}: serves the scenario on
 * 127.0.0.1:N until killed. {@code --speed 60} plays one simulated minute per real second; {@code --speed 0} keeps a
 * virtual clock that only {@code POST /_sim/advance?seconds=N} moves.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    Path scenarioFile = null;
    double speed = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--scenario" -> scenarioFile = Path.of(value(args, ++i, "--scenario"));
        case "--speed" -> speed = Double.parseDouble(value(args, ++i, "--speed"));
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
    EcsSimulator sim = new EcsSimulator(scenario, clock).start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
    System.out.println("ECS simulator listening on " + sim.endpoint() + " (scenario "
        + (scenarioFile == null ? "empty" : scenarioFile) + ", speed " + (speed == 0 ? "virtual" : speed + "x") + ")");
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
    System.out.println("usage: java -jar slipway-ecs-simulator.jar --port N --scenario FILE.{json,yaml} [--speed X]");
  }
}
