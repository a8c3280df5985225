package org.mirrorfs.engine.metering;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A provider's prices (a properties file, docs/configuration.md "Price file") and what they
 * make of billable quantities. Amounts are decimal: each line item is rounded to the
 * currency's cents (half up) and the total is the sum of the rounded items, as on an invoice.
 */
public record PriceList(String currency, BigDecimal perGibMirrored, BigDecimal perGibHourCached,
    BigDecimal perGibDestaged, BigDecimal perGibMonthStored, BigDecimal per10kOperations) {

  public static final String CURRENCY = "currency";
  public static final String MIRRORED = "price.mirrored.gib";
  public static final String CACHED = "price.cached.gib-hour";
  public static final String DESTAGED = "price.destaged.gib";
  public static final String STORED = "price.stored.gib-month";
  public static final String OPERATIONS = "price.operations.10k";

  /** A month for storage charges: 730 hours (8,760 hours a year / 12). */
  public static final long MONTH_MILLIS = 730L * 3_600_000;
  private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal HOUR = BigDecimal.valueOf(3_600_000L);
  private static final BigDecimal MONTH = BigDecimal.valueOf(MONTH_MILLIS);
  private static final BigDecimal TEN_K = BigDecimal.valueOf(10_000);
  private static final int CENTS = 2;

  /** The quantities a price list charges for, summed over the intervals being billed. */
  public record Billable(long mirroredBytes, long destagedBytes, long operations,
      long cacheByteMillis, long storedByteMillis) {}

  /** One line of an invoice: what, how much (in the priced unit), unit price, charge. */
  public record LineItem(String item, String unit, BigDecimal quantity, BigDecimal unitPrice,
      BigDecimal charge) {}

  /** The line items and their total. */
  public record Invoice(String currency, List<LineItem> items, BigDecimal total) {}

  public static PriceList read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("price file " + file + " does not exist", e);
    }
    return from(p, file.toString());
  }

  /** Reads prices; an unknown key, a negative price or a non-number is refused by name. */
  public static PriceList from(Properties p, String source) {
    Map<String, BigDecimal> prices = new LinkedHashMap<>();
    for (String key : List.of(MIRRORED, CACHED, DESTAGED, STORED, OPERATIONS)) {
      prices.put(key, BigDecimal.ZERO);
    }
    for (String key : p.stringPropertyNames()) {
      if (key.equals(CURRENCY)) {
        continue;
      }
      if (!prices.containsKey(key)) {
        throw new IllegalArgumentException(source + ": unknown key '" + key + "' (expected "
            + CURRENCY + ", " + String.join(", ", prices.keySet()) + ")");
      }
      String value = p.getProperty(key).trim();
      BigDecimal price;
      try {
        price = new BigDecimal(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ": " + key + " is not a decimal number: '"
            + value + "'", e);
      }
      if (price.signum() < 0) {
        throw new IllegalArgumentException(source + ": " + key + " must not be negative, was '"
            + value + "'");
      }
      prices.put(key, price);
    }
    return new PriceList(p.getProperty(CURRENCY, "").trim(), prices.get(MIRRORED),
        prices.get(CACHED), prices.get(DESTAGED), prices.get(STORED), prices.get(OPERATIONS));
  }

  public Invoice invoice(Billable b) {
    List<LineItem> items = new ArrayList<>();
    items.add(item("mirrored", "GiB", ratio(b.mirroredBytes(), GIB), perGibMirrored));
    items.add(item("cached", "GiB-hour", ratio(b.cacheByteMillis(), GIB.multiply(HOUR)),
        perGibHourCached));
    items.add(item("destaged", "GiB", ratio(b.destagedBytes(), GIB), perGibDestaged));
    items.add(item("stored", "GiB-month", ratio(b.storedByteMillis(), GIB.multiply(MONTH)),
        perGibMonthStored));
    items.add(item("operations", "10k ops", ratio(b.operations(), TEN_K), per10kOperations));
    BigDecimal total = BigDecimal.ZERO.setScale(CENTS);
    for (LineItem i : items) {
      total = total.add(i.charge());
    }
    return new Invoice(currency, items, total);
  }

  private static BigDecimal ratio(long amount, BigDecimal unit) {
    return BigDecimal.valueOf(amount).divide(unit, 12, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  private static LineItem item(String name, String unit, BigDecimal quantity, BigDecimal price) {
    BigDecimal charge = quantity.multiply(price).setScale(CENTS, RoundingMode.HALF_UP);
    return new LineItem(name, unit, quantity, price, charge);
  }
}
