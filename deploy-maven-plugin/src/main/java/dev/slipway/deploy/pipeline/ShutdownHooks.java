package dev.slipway.deploy.pipeline;

/** Where the deployment registers what must run on Ctrl-C. The JVM's hooks in a build; a test calls it directly. */
public interface ShutdownHooks {
  Object register(Runnable hook);

  void unregister(Object handle);

  static ShutdownHooks jvm() {
    return new ShutdownHooks() {
      @Override
      public Object register(Runnable hook) {
        Thread t = new Thread(hook, "slipway-deploy-rollback-on-exit");
        Runtime.getRuntime().addShutdownHook(t);
        return t;
      }

      @Override
      public void unregister(Object handle) {
        try {
          Runtime.getRuntime().removeShutdownHook((Thread) handle);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to: it must stay
        }
      }
    };
  }
}
