package io.walstream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A small line chart written as a PNG (headless AWT), for docs/BENCHMARKS.md. */
final class LineChart {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 480;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;

  /** One line: its name, colour and (x, y) points in x order. */
  record Series(String name, Color color, List<double[]> points) {}

  private LineChart() {}

  static void write(Path png, String title, String xLabel, String yLabel, List<Series> series)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxX = 0;
    double maxY = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    maxY = niceCeiling(maxY);
    axes(g, title, xLabel, yLabel, maxX, maxY);
    int legendY = TOP + 10;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(2.5f));
      int[] previous = null;
      for (double[] p : s.points()) {
        int[] at = {x(p[0], maxX), y(p[1], maxY)};
        g.fillOval(at[0] - 4, at[1] - 4, 8, 8);
        if (previous != null) {
          g.drawLine(previous[0], previous[1], at[0], at[1]);
        }
        previous = at;
      }
      g.drawLine(LEFT + 20, legendY, LEFT + 50, legendY);
      g.setColor(Color.DARK_GRAY);
      g.drawString(s.name(), LEFT + 58, legendY + 5);
      legendY += 20;
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static void axes(
      Graphics2D g, String title, String xLabel, String yLabel, double maxX, double maxY) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
    g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
    for (int i = 0; i <= 5; i++) {
      double vy = maxY * i / 5;
      int py = y(vy, maxY);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT + 1, py, WIDTH - RIGHT, py);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%.1f", vy), 30, py + 4);
      double vx = maxX * i / 5;
      int px = x(vx, maxX);
      g.drawLine(px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 5);
      g.drawString(
          maxX >= 1e6 ? String.format("%.1fM", vx / 1e6) : String.format("%.0f", vx),
          px - 14,
          HEIGHT - BOTTOM + 20);
    }
    g.drawString(xLabel, (WIDTH - LEFT - RIGHT) / 2 + LEFT - 60, HEIGHT - 25);
    g.drawString(yLabel, 10, TOP - 6);
  }

  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double step = Math.pow(10, Math.floor(Math.log10(value)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * step >= value) {
        return m * step;
      }
    }
    return 10 * step;
  }

  private static int x(double value, double max) {
    return LEFT + (int) Math.round(value / max * (WIDTH - LEFT - RIGHT));
  }

  private static int y(double value, double max) {
    return HEIGHT - BOTTOM - (int) Math.round(value / max * (HEIGHT - TOP - BOTTOM));
  }
}
