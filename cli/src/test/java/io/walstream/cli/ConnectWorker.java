package io.walstream.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A real Kafka Connect worker (standalone mode, offsets in a file) in the test JVM, running
 * connectors from the test class path, with Connect's JsonConverter (schemas on) for keys and
 * values, as a Debezium deployment commonly has it.
 */
final class ConnectWorker implements AutoCloseable {
  private final Map<String, String> workerProps;
  private Connect<StandaloneHerder> connect;

  ConnectWorker(String bootstrapServers, Path offsets) {
    workerProps = new HashMap<>();
    workerProps.put("bootstrap.servers", bootstrapServers);
    workerProps.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    workerProps.put("key.converter.schemas.enable", "true");
    workerProps.put("value.converter.schemas.enable", "true");
    workerProps.put("offset.storage.file.filename", offsets.toString());
    workerProps.put("offset.flush.interval.ms", "1000");
    workerProps.put("listeners", "http://127.0.0.1:0");
    workerProps.put("plugin.discovery", "only_scan");
    start();
  }

  private void start() {
    connect = new ConnectStandalone().startConnect(workerProps);
  }

  /**
   * Creates (or replaces) connector {@code name}, after validating its config and failing with
   * every error Connect found (Connect 4.3 itself stops at a NullPointerException while listing
   * them when a connector defines a key it does not validate, as Debezium 3.6 does).
   */
  void deploy(String name, Map<String, String> connectorConfig) throws Exception {
    Map<String, String> config = new HashMap<>(connectorConfig);
    config.put("name", name);
    FutureCallback<ConfigInfos> validated = new FutureCallback<>();
    connect.herder().validateConnectorConfig(config, validated);
    ConfigInfos infos = validated.get(60, TimeUnit.SECONDS);
    if (infos.errorCount() > 0) {
      List<String> errors = new ArrayList<>();
      for (ConfigInfo info : infos.configs()) {
        if (info.configValue() != null && !info.configValue().errors().isEmpty()) {
          errors.add(info.configValue().name() + ": " + info.configValue().errors());
        }
      }
      throw new AssertionError("Connector " + name + " config is invalid: " + errors);
    }
    FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<?>> done =
        new FutureCallback<>();
    connect.herder().putConnectorConfig(name, config, true, (e, r) -> done.onCompletion(e, r));
    done.get(60, TimeUnit.SECONDS);
  }

  /** Whether connector {@code name} and all its tasks are RUNNING. */
  boolean running(String name) {
    try {
      ConnectorStateInfo info = connect.herder().connectorStatus(name);
      return "RUNNING".equals(info.connector().state())
          && !info.tasks().isEmpty()
          && info.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The connector's and its tasks' states and traces, for failure messages. */
  String status(String name) {
    try {
      return connect.herder().connectorStatus(name).toString();
    } catch (RuntimeException e) {
      return "no status: " + e;
    }
  }

  /** Stops the whole worker and starts it again: its connectors resume from their offsets. */
  void restart() {
    connect.stop();
    connect.awaitStop();
    start();
  }

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
