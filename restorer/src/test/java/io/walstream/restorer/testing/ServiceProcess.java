package io.walstream.restorer.testing;

import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import java.util.HashMap;
import java.util.Map;

/** The restore service in its own process, for kill tests: {@code ServiceProcess KEY=VALUE...}. */
public final class ServiceProcess {
  private ServiceProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, Object> settings = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      settings.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    RestoreService service = RestoreService.start(RestoreServiceConfig.parse(settings));
    System.out.println("started " + service.instanceId());
    service.awaitTermination();
  }
}
