package io.walstream.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The bench's charts, written as PNGs for docs/BENCHMARKS.md with XChart (headless AWT). */
final class LineChart {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 480;

  /** One line: its name, colour and (x, y) points in x order. */
  record Series(String name, Color color, List<double[]> points) {}

  /** One set of bars: its name, colour and a value for each category. */
  record Bars(String name, Color color, List<Double> values) {}

  private LineChart() {}

  static void write(Path png, String title, String xLabel, String yLabel, List<Series> series)
      throws IOException {
    write(png, title, xLabel, yLabel, series, Styler.LegendPosition.InsideNE);
  }

  /** As {@link #write(Path, String, String, String, List)}, the legend where the lines are not. */
  static void write(
      Path png,
      String title,
      String xLabel,
      String yLabel,
      List<Series> series,
      Styler.LegendPosition legend)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(legend);
    chart.getStyler().setYAxisMin(0.0);
    for (Series s : series) {
      double[] xs = s.points().stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = s.points().stream().mapToDouble(p -> p[1]).toArray();
      var line = chart.addSeries(s.name(), xs, ys);
      line.setLineColor(s.color());
      line.setMarkerColor(s.color());
      line.setMarker(SeriesMarkers.CIRCLE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Bars side by side for each of {@code categories}. */
  static void bars(Path png, String title, String yLabel, List<String> categories, List<Bars> bars)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .yAxisTitle(yLabel)
            .build();
    style(chart.getStyler());
    for (Bars b : bars) {
      chart.addSeries(b.name(), categories, b.values()).setFillColor(b.color());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void style(Styler styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setAntiAlias(true);
  }
}
