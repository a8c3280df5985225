package org.mirrorfs.examples;

import java.io.IOException;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * {@code bin/mirror wordcount [-D key=value ...] <input> <output>}: a MapReduce job that counts
 * the whitespace-separated words of every file under {@code input} and writes
 * {@code word<TAB>count} lines, in word order, to {@code output}. Input and output are any
 * Hadoop paths, mirror:// included. It runs where {@code mapreduce.framework.name} says; the
 * launcher's classpath has only the local runner (LocalJobRunner), the default.
 */
public final class WordCount extends Configured implements Tool {

  /** Emits (word, 1) for each whitespace-separated word of a line. */
  public static final class WordMapper extends Mapper<LongWritable, Text, Text, LongWritable> {
    private static final LongWritable ONE = new LongWritable(1);
    private final Text word = new Text();

    @Override
    protected void map(LongWritable offset, Text line, Context context)
        throws IOException, InterruptedException {
      for (String w : line.toString().split("\\s+")) {
        if (!w.isEmpty()) {
          word.set(w);
          context.write(word, ONE);
        }
      }
    }
  }

  /** Adds up the counts of a word; also the combiner. */
  public static final class SumReducer extends Reducer<Text, LongWritable, Text, LongWritable> {
    private final LongWritable sum = new LongWritable();

    @Override
    protected void reduce(Text word, Iterable<LongWritable> counts, Context context)
        throws IOException, InterruptedException {
      long total = 0;
      for (LongWritable c : counts) {
        total += c.get();
      }
      sum.set(total);
      context.write(word, sum);
    }
  }

  private static final String USAGE = "Usage: mirror wordcount [-D key=value ...] <input> "
      + "<output>\n\nCounts the words of the files under <input> with a MapReduce job and "
      + "writes\nword<TAB>count lines to <output>, which must not exist. Both can be "
      + "mirror://\npaths; the job runs in this JVM (LocalJobRunner).";

  @Override
  public int run(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println(USAGE);
      return 2;
    }
    Job job = Job.getInstance(getConf(), "mirror wordcount");
    job.setJarByClass(WordCount.class);
    job.setMapperClass(WordMapper.class);
    job.setCombinerClass(SumReducer.class);
    job.setReducerClass(SumReducer.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(LongWritable.class);
    FileInputFormat.addInputPath(job, new Path(args[0]));
    FileOutputFormat.setOutputPath(job, new Path(args[1]));
    boolean ok = job.waitForCompletion(true);
    // The job's counters, per file system scheme too (e.g. "MIRROR: Number of bytes read").
    System.out.println(job.getCounters());
    return ok ? 0 : 1;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    System.exit(ToolRunner.run(new WordCount(), args));
  }
}
