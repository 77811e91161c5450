package dev.cohort.benchmarks.compare;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A log-log line chart drawn with java.awt into a PNG (headless; no plotting tool): one line with
 * markers per series, decade grid lines, a legend at the top left.
 */
public final class LogLogPlot {
    public static final int WIDTH = 960;
    public static final int HEIGHT = 600;
    private static final Color[] COLORS = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22)};
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, Map<Long, Double>> series = new LinkedHashMap<>();

    public LogLogPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a line; points with x or y not positive are left out (a log scale has no place for them). */
    public LogLogPlot series(String name, Map<Long, Double> points) {
        Map<Long, Double> kept = new LinkedHashMap<>();
        points.forEach((x, y) -> {
            if (x != null && y != null && x > 0 && y > 0 && !y.isNaN() && !y.isInfinite()) kept.put(x, y);
        });
        if (!kept.isEmpty()) series.put(name, kept);
        return this;
    }

    public BufferedImage render() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            centered(g, title, WIDTH / 2, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            double xmin = Double.MAX_VALUE, xmax = -Double.MAX_VALUE, ymin = Double.MAX_VALUE, ymax = -Double.MAX_VALUE;
            for (Map<Long, Double> s : series.values()) {
                for (Map.Entry<Long, Double> e : s.entrySet()) {
                    xmin = Math.min(xmin, Math.log10(e.getKey()));
                    xmax = Math.max(xmax, Math.log10(e.getKey()));
                    ymin = Math.min(ymin, Math.log10(e.getValue()));
                    ymax = Math.max(ymax, Math.log10(e.getValue()));
                }
            }
            if (series.isEmpty()) {
                xmin = 0;
                xmax = 6;
                ymin = 0;
                ymax = 3;
            }
            xmin = Math.floor(xmin);
            xmax = Math.max(xmin + 1, Math.ceil(xmax));
            ymin = Math.floor(ymin);
            ymax = Math.max(ymin + 1, Math.ceil(ymax));

            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            for (int d = (int) xmin; d <= (int) xmax; d++) {
                int x = LEFT + (int) Math.round((d - xmin) / (xmax - xmin) * pw);
                g.setColor(new Color(0xdddddd));
                g.drawLine(x, TOP, x, TOP + ph);
                g.setColor(Color.BLACK);
                centered(g, decade(d, true), x, TOP + ph + 18);
            }
            for (int d = (int) ymin; d <= (int) ymax; d++) {
                int y = TOP + ph - (int) Math.round((d - ymin) / (ymax - ymin) * ph);
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, y, LEFT + pw, y);
                g.setColor(Color.BLACK);
                String s = decade(d, false);
                g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), y + 4);
            }
            centered(g, xLabel, LEFT + pw / 2, HEIGHT - 25);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            centered(rotated, yLabel, -(TOP + ph / 2), 22);
            rotated.dispose();

            int i = 0;
            List<String> names = new ArrayList<>(series.keySet());
            for (String name : names) {
                Color c = COLORS[i % COLORS.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                Path2D path = new Path2D.Double();
                boolean first = true;
                for (Map.Entry<Long, Double> e : series.get(name).entrySet()) {
                    double x = LEFT + (Math.log10(e.getKey()) - xmin) / (xmax - xmin) * pw;
                    double y = TOP + ph - (Math.log10(e.getValue()) - ymin) / (ymax - ymin) * ph;
                    if (first) path.moveTo(x, y);
                    else path.lineTo(x, y);
                    first = false;
                    g.fillOval((int) Math.round(x) - 3, (int) Math.round(y) - 3, 6, 6);
                }
                g.draw(path);
                int ly = TOP + 18 + 18 * i;
                g.drawLine(LEFT + 12, ly - 4, LEFT + 36, ly - 4);
                g.setColor(Color.BLACK);
                g.drawString(name, LEFT + 42, ly);
                i++;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Renders and writes the PNG, creating its directory. */
    public void write(Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        if (!ImageIO.write(render(), "png", file.toFile())) throw new IOException("no PNG writer in this JDK");
    }

    private static String decade(int d, boolean bytes) {
        if (bytes) {
            double v = Math.pow(10, d);
            if (d >= 9) return "1 GB";
            if (d >= 6) return String.format(java.util.Locale.ROOT, "%.0f MB", v / 1e6);
            if (d >= 3) return String.format(java.util.Locale.ROOT, "%.0f kB", v / 1e3);
            return String.format(java.util.Locale.ROOT, "%.0f B", v);
        }
        if (d >= 0 && d <= 6) return String.format(java.util.Locale.ROOT, "%.0f", Math.pow(10, d));
        return "1e" + d;
    }

    private static void centered(Graphics2D g, String s, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, x - fm.stringWidth(s) / 2, y);
    }
}
