package org.mirrorfs.examples.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark SQL job on mirror://: writes a DataFrame of known rows as a Parquet dataset
 * partitioned by one column under {@code <dir>}, reads it back, checks the row count, sums,
 * per-partition counts and a few rows, and lists the files through Hadoop's FileSystem API.
 *
 * <p>Meant to run the way a Spark user runs a job: Spark's own jars (with Hadoop's shaded
 * client) on the classpath, the mirror:// client jar added with {@code --jars}, and
 * {@code spark.hadoop.fs.mirror.impl} plus {@code spark.hadoop.mirror.zookeeper.quorum} set
 * with {@code --conf}. {@code bin/mirror spark-example} does exactly that.
 *
 * <p>Prints {@code SPARK PARQUET OK ...} and exits 0 when everything read back matches;
 * prints {@code SPARK PARQUET MISMATCH: ...} and exits 1 otherwise; exits 2 on bad usage.
 */
public final class ParquetRoundTrip {
  /** Rows are spread over this many values of the partition column. */
  static final int BUCKETS = 8;
  private static final long DEFAULT_ROWS = 100_000;

  private ParquetRoundTrip() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
      System.err.println("Usage: ParquetRoundTrip <mirror://cluster/dir> [rows]\n\n"
          + "Writes <rows> rows (default " + DEFAULT_ROWS + ") as Parquet, partitioned by "
          + "bucket, to <dir>/table\n(replacing it), reads them back and checks them.");
      System.exit(2);
    }
    URI dir = URI.create(args[0]);
    if (!"mirror".equals(dir.getScheme()) || dir.getAuthority() == null) {
      System.err.println("ParquetRoundTrip: " + args[0]
          + " is not a mirror://<cluster>/<dir> URI");
      System.exit(2);
    }
    long rows = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_ROWS;
    if (rows < BUCKETS || rows % BUCKETS != 0) {
      System.err.println("ParquetRoundTrip: rows must be a positive multiple of " + BUCKETS);
      System.exit(2);
    }

    // Defaults for running it small and alone; anything given with --conf wins.
    SparkConf conf = new SparkConf()
        .setIfMissing("spark.master", "local[2]")
        .setIfMissing("spark.app.name", "mirror-parquet-round-trip")
        .setIfMissing("spark.ui.enabled", "false")
        .setIfMissing("spark.sql.shuffle.partitions", "4")
        .setIfMissing("spark.hadoop.fs.mirror.impl", "org.mirrorfs.fs.MirrorFileSystem");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    List<String> problems;
    String summary;
    try {
      long start = System.nanoTime();
      String table = new Path(new Path(dir), "table").toString();
      write(spark, rows, table);
      long written = System.nanoTime();
      problems = new ArrayList<>(check(spark, rows, table));
      long read = System.nanoTime();
      Listing listing = list(spark.sparkContext().hadoopConfiguration(), new Path(table));
      problems.addAll(listing.problems);
      summary = String.format("rows=%d files=%d bytes=%d partitions=%d write=%dms read=%dms "
              + "fs=%s from %s", rows, listing.files, listing.bytes, listing.partitions,
          (written - start) / 1_000_000, (read - written) / 1_000_000, listing.fsClass,
          listing.fsSource);
    } finally {
      spark.stop();
    }
    if (problems.isEmpty()) {
      System.out.println("SPARK PARQUET OK " + summary);
      System.exit(0);
    }
    for (String p : problems) {
      System.out.println("SPARK PARQUET MISMATCH: " + p);
    }
    System.out.println("SPARK PARQUET FAILED " + summary);
    System.exit(1);
  }

  /** Row i: id i, bucket i % 8, name "row-i", value i / 2 (a double), even (i % 2 == 0). */
  static void write(SparkSession spark, long rows, String table) {
    Dataset<Row> df = spark.range(0, rows, 1, 4).toDF("id")
        .withColumn("bucket", col("id").mod(BUCKETS).cast("int"))
        .withColumn("name", concat(lit("row-"), col("id").cast("string")))
        .withColumn("value", col("id").cast("double").divide(2))
        .withColumn("even", col("id").mod(2).equalTo(0));
    df.write().mode(SaveMode.Overwrite).partitionBy("bucket").parquet(table);
  }

  /** What reading the dataset back gives, against what was written. */
  static List<String> check(SparkSession spark, long rows, String table) {
    List<String> problems = new ArrayList<>();
    Dataset<Row> back = spark.read().parquet(table);
    Row totals = back.agg(count(lit(1)), sum("id"), sum("value")).first();
    long expectedIds = rows * (rows - 1) / 2;
    expect(problems, "row count", rows, totals.getLong(0));
    expect(problems, "sum(id)", expectedIds, totals.getLong(1));
    // Every value is a multiple of 0.5 far below 2^52: the double sum is exact.
    expect(problems, "sum(value)", expectedIds / 2.0, totals.getDouble(2));

    TreeMap<Integer, Long> perBucket = new TreeMap<>();
    for (Row r : back.groupBy("bucket").count().collectAsList()) {
      perBucket.put(r.getInt(0), r.getLong(1));
    }
    TreeMap<Integer, Long> expectedPerBucket = new TreeMap<>();
    for (int b = 0; b < BUCKETS; b++) {
      expectedPerBucket.put(b, rows / BUCKETS);
    }
    expect(problems, "rows per bucket", expectedPerBucket, perBucket);

    // A few whole rows, fetched in one query: first, last and some in between.
    List<Long> probes = List.of(0L, 1L, 12_345 % rows, rows / 2 + 3, rows - 1);
    TreeMap<Long, Row> found = new TreeMap<>();
    for (Row r : back.where(col("id").isin(probes.toArray()))
        .select("id", "name", "value", "bucket", "even").collectAsList()) {
      if (found.put(r.getLong(0), r) != null) {
        problems.add("id " + r.getLong(0) + " read more than once");
      }
    }
    for (long id : probes) {
      Row r = found.get(id);
      String what = "row " + id;
      if (r == null) {
        problems.add(what + " not read back");
        continue;
      }
      expect(problems, what + " name", "row-" + id, r.getString(1));
      expect(problems, what + " value", id / 2.0, r.getDouble(2));
      expect(problems, what + " bucket", (int) (id % BUCKETS), r.getInt(3));
      expect(problems, what + " even", id % 2 == 0, r.getBoolean(4));
    }
    return problems;
  }

  /** The files of the dataset, as Hadoop's FileSystem API sees them. */
  static Listing list(Configuration hadoopConf, Path table) throws Exception {
    Listing l = new Listing();
    FileSystem fs = table.getFileSystem(hadoopConf);
    l.fsClass = fs.getClass().getName();
    l.fsSource = String.valueOf(fs.getClass().getProtectionDomain().getCodeSource()
        .getLocation());
    if (!"mirror".equals(fs.getUri().getScheme())) {
      l.problems.add("the dataset's file system is " + fs.getUri());
    }
    if (!fs.exists(new Path(table, "_SUCCESS"))) {
      l.problems.add("no _SUCCESS marker under " + table);
    }
    if (fs.exists(new Path(table, "_temporary"))) {
      l.problems.add("the committer left " + new Path(table, "_temporary"));
    }
    java.util.Set<String> partitions = new java.util.TreeSet<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(table, true);
    while (it.hasNext()) {
      LocatedFileStatus st = it.next();
      if (!st.getPath().getName().endsWith(".parquet")) {
        continue;
      }
      l.files++;
      l.bytes += st.getLen();
      partitions.add(st.getPath().getParent().getName());
      System.out.println("  " + st.getPath() + " " + st.getLen());
    }
    l.partitions = partitions.size();
    if (l.partitions != BUCKETS) {
      l.problems.add("parquet files in " + partitions + ", expected bucket=0.." + (BUCKETS - 1));
    }
    return l;
  }

  private static void expect(List<String> problems, String what, Object expected,
      Object actual) {
    if (!expected.equals(actual)) {
      problems.add(what + ": expected " + expected + ", read " + actual);
    }
  }

  /** What listing the dataset found. */
  static final class Listing {
    final List<String> problems = new ArrayList<>();
    String fsClass;
    String fsSource;
    long files;
    long bytes;
    int partitions;
  }
}
