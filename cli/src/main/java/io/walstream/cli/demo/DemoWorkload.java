package io.walstream.cli.demo;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's change records: a small shop (customers, products, orders, order items) with inserts,
 * updates, deletes and multi-record transactions over an hour of simulated time, and a second
 * database ({@code crm}). Deterministic for a seed.
 */
public final class DemoWorkload {
  static final Instant START = Instant.parse("2026-11-21T09:00:00Z");
  private static final String[] NAMES = {
    "Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger", "Radia"
  };
  private static final String[] PRODUCTS = {
    "kettle", "teapot", "mug", "grinder", "scale", "filter", "beans", "tray", "spoon", "tin"
  };

  private final Random random;
  private final List<ChangeRecord> shop = new ArrayList<>();
  private final List<ChangeRecord> crm = new ArrayList<>();
  private long lsn = 100;
  private long micros;
  private final List<Long> customers = new ArrayList<>();
  private final List<Long> orders = new ArrayList<>();
  private long nextId = 1;

  public DemoWorkload(long seed, int shopTransactions, int crmTransactions) {
    this.random = new Random(seed);
    for (long p = 1; p <= PRODUCTS.length; p++) {
      insertProduct(p);
    }
    for (int t = 0; t < shopTransactions; t++) {
      shopTransaction();
    }
    for (int t = 0; t < crmTransactions; t++) {
      crmTransaction();
    }
  }

  /** The shop's records, in (lsn, txIndex) order. */
  public List<ChangeRecord> shop() {
    return shop;
  }

  /** The crm's records, in (lsn, txIndex) order. */
  public List<ChangeRecord> crm() {
    return crm;
  }

  private void insertProduct(long id) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", PRODUCTS[(int) (id - 1)]);
    row.put("price", Values.decimal(BigDecimal.valueOf(500 + random.nextInt(5000), 2)));
    row.put("in_stock", true);
    tx(shop, "shop", List.of(change("products", Op.INSERT, id, row)));
  }

  private void shopTransaction() {
    int dice = random.nextInt(100);
    if (dice < 25 || customers.size() < 3) {
      long id = nextId++;
      customers.add(id);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      row.put("name", NAMES[random.nextInt(NAMES.length)] + " " + id);
      row.put("email", "customer" + id + "@example.com");
      row.put("vip", false);
      tx(shop, "shop", List.of(change("customers", Op.INSERT, id, row)));
    } else if (dice < 70) {
      order();
    } else if (dice < 85 && !orders.isEmpty()) {
      long id = orders.get(random.nextInt(orders.size()));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      row.put("status", random.nextBoolean() ? "shipped" : "paid");
      row.put("updated_at", Values.timestamp(now()));
      tx(shop, "shop", List.of(change("orders", Op.UPDATE, id, row)));
    } else if (dice < 93 && orders.size() > 5) {
      long id = orders.remove(random.nextInt(orders.size()));
      tx(shop, "shop", List.of(change("orders", Op.DELETE, id, null)));
    } else {
      long id = 1 + random.nextInt(PRODUCTS.length);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      row.put("name", PRODUCTS[(int) (id - 1)]);
      row.put("price", Values.decimal(BigDecimal.valueOf(500 + random.nextInt(5000), 2)));
      row.put("in_stock", random.nextInt(4) > 0);
      tx(shop, "shop", List.of(change("products", Op.UPDATE, id, row)));
    }
  }

  /** An order with its items, in one transaction. */
  private void order() {
    long id = nextId++;
    orders.add(id);
    List<ChangeRecord> records = new ArrayList<>();
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("id", id);
    order.put("customer_id", customers.get(random.nextInt(customers.size())));
    order.put("status", "new");
    order.put("placed_at", Values.timestamp(now()));
    records.add(change("orders", Op.INSERT, id, order));
    int items = 1 + random.nextInt(4);
    for (int i = 0; i < items; i++) {
      long itemId = nextId++;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", itemId);
      item.put("order_id", id);
      item.put("product_id", (long) (1 + random.nextInt(PRODUCTS.length)));
      item.put("quantity", (long) (1 + random.nextInt(3)));
      records.add(change("order_items", Op.INSERT, itemId, item));
    }
    tx(shop, "shop", records);
  }

  private void crmTransaction() {
    long id = 1 + random.nextInt(40);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("contact", NAMES[random.nextInt(NAMES.length)]);
    row.put("note", "call back about order " + random.nextInt(1000));
    tx(
        crm,
        "crm",
        List.of(change("notes", random.nextInt(5) == 0 ? Op.DELETE : Op.INSERT, id, row)));
  }

  private ChangeRecord change(String table, Op op, long id, Map<String, Object> after) {
    return ChangeRecord.newBuilder()
        .setDatabase("")
        .setTable(table)
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(op == Op.DELETE ? null : after)
        .setLsn(0)
        .setTxIndex(0)
        .setTxLast(false)
        .setCommitTime(START)
        .build();
  }

  /** Stamps the records as one transaction of {@code database} at the next lsn and time. */
  private void tx(List<ChangeRecord> into, String database, List<ChangeRecord> records) {
    lsn += 1 + random.nextInt(3);
    micros += 200_000 + random.nextInt(1_000_000);
    Instant commit = now();
    for (int i = 0; i < records.size(); i++) {
      ChangeRecord r = records.get(i);
      r.setDatabase(database);
      r.setLsn(lsn);
      r.setTxIndex(i);
      r.setTxLast(i == records.size() - 1);
      r.setCommitTime(commit);
      into.add(r);
    }
  }

  private Instant now() {
    return START.plusNanos(micros * 1000);
  }
}
