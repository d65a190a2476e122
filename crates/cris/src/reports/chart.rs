//! Charts drawn as SVG on the server (R-RP-01): no script, no library, printable, and
//! accessible: a title and a description name the chart, both axes are labelled with what they
//! count, the value scale has round ticks, and the page shows the same figures in a table (the
//! chart's table alternative, which the page links to).

use std::fmt::Write;

use crate::kernel::html::escape;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 270.0;
/// Room for the value ticks and the vertical axis's title.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
/// Room for the category labels and the horizontal axis's title.
const BOTTOM: f64 = 52.0;
const TOP: f64 = 14.0;
/// Text on the chart: the page's own font, dark enough on white (contrast over 15:1).
const TEXT: &str = r##"font-size="12" fill="#1b1b1b""##;

/// A bar chart: one bar a labelled value.
#[derive(Debug, Clone)]
pub struct Bars<'a> {
    /// Makes the title and description referable (`{id}-title`, `{id}-desc`).
    pub id: &'a str,
    /// What the chart shows.
    pub title: &'a str,
    /// One sentence more, for screen readers (where the table of the figures is, for instance).
    pub description: &'a str,
    /// What the bars stand for (the horizontal axis): "Day", "Answer".
    pub x_label: &'a str,
    /// What their height counts (the vertical axis), with its unit: "Customers served".
    pub y_label: &'a str,
    /// The bars, in order.
    pub points: &'a [(String, f64)],
}

/// The value axis for values up to `max`: a round step (1, 2 or 5 times a power of ten) giving
/// at most about five intervals, and the top of the scale, a whole number of steps at or above
/// `max`. Whole-number data (`whole`) never gets a fractional step.
pub fn ticks(max: f64, whole: bool) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, if whole { 4.0 } else { 1.0 });
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    if whole {
        step = step.max(1.0).round();
    }
    let top = (max / step).ceil() * step;
    (step, top)
}

/// A number as a tick or a bar's value shows it: whole numbers without decimals.
fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// Every how many bars a category label is written, so that at most about 13 labels share the
/// axis and never overlap (every 7th for the days of a quarter: one a week).
fn label_every(n: usize) -> usize {
    [1, 2, 5, 7, 14, 30, 61, 91].into_iter().find(|k| n.div_ceil(*k) <= 13).unwrap_or(n.div_ceil(13).max(1))
}

/// Draws the chart.
pub fn bars(c: &Bars<'_>) -> String {
    let max = c.points.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let whole = c.points.iter().all(|(_, v)| v.fract() == 0.0);
    let (step, top) = ticks(max, whole);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let n = c.points.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.7).max(1.0);
    let id = c.id;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="cris-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(c.title),
        escape(c.description)
    );
    // The value scale: a grid line and a label at each round tick.
    let intervals = (top / step).round().max(1.0) as u32;
    for i in 0..=intervals {
        let v = step * f64::from(i);
        let y = base - plot_h * v / top;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#dfe1e2"/><text x="{}" y="{:.1}" text-anchor="end" {TEXT}>{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            number(v)
        );
    }
    let every = label_every(c.points.len());
    for (i, (label, value)) in c.points.iter().enumerate() {
        let h = plot_h * value.max(0.0) / top;
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="#005ea2"><title>{}: {}</title></rect>"##,
            base - h,
            escape(label),
            number(*value)
        );
        if i % every == 0 {
            let mid = x + bar / 2.0;
            let _ = write!(
                svg,
                r##"<line x1="{mid:.1}" x2="{mid:.1}" y1="{base:.1}" y2="{:.1}" stroke="#565c65"/><text x="{mid:.1}" y="{:.1}" text-anchor="middle" {TEXT}>{}</text>"##,
                base + 4.0,
                base + 18.0,
                escape(label)
            );
        }
    }
    // The axes and their titles.
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{base:.1}" stroke="#565c65"/><line x1="{LEFT}" x2="{}" y1="{base:.1}" y2="{base:.1}" stroke="#565c65"/>"##,
        WIDTH - RIGHT
    );
    let _ = write!(
        svg,
        r##"<text class="cris-chart__axis" x="{:.1}" y="{}" text-anchor="middle" font-weight="700" {TEXT}>{}</text>"##,
        LEFT + plot_w / 2.0,
        HEIGHT - 6.0,
        escape(c.x_label)
    );
    let middle = TOP + plot_h / 2.0;
    let _ = write!(
        svg,
        r##"<text class="cris-chart__axis" x="16" y="{middle:.1}" transform="rotate(-90 16 {middle:.1})" text-anchor="middle" font-weight="700" {TEXT}>{}</text>"##,
        escape(c.y_label)
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-RP-01: the value axis has round ticks (1, 2 or 5 times a power of ten, at most about five
    // intervals) and whole-number data gets whole-number ticks.
    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, true), (1.0, 4.0));
        assert_eq!(ticks(3.0, true), (1.0, 3.0));
        assert_eq!(ticks(7.0, true), (2.0, 8.0));
        assert_eq!(ticks(12.0, true), (5.0, 15.0));
        assert_eq!(ticks(480.0, true), (100.0, 500.0));
        assert_eq!(ticks(0.4, true), (1.0, 1.0));
        let (step, top) = ticks(0.4, false);
        assert!((step - 0.1).abs() < 1e-9 && (top - 0.4).abs() < 1e-9, "{step} {top}");
        assert_eq!(ticks(23.5, false), (5.0, 25.0));
        // A quarter's days: one label a week.
        assert_eq!([1, 12, 13, 14, 30, 90, 366].map(label_every), [1, 1, 1, 2, 5, 7, 30]);
    }

    // R-RP-01: charts drawn on the server, one bar a value, with a title, a description, both
    // axes titled and ticked, text escaped.
    #[test]
    fn bars_are_scaled_titled_and_labelled() {
        let points = [("Nov 23".to_owned(), 10.0), ("Nov 24".to_owned(), 5.0)];
        let svg = bars(&Bars {
            id: "visits",
            title: "Visits <a day>",
            description: "Per day",
            x_label: "Day",
            y_label: "Customers & families",
            points: &points,
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("Visits &lt;a day&gt;") && svg.contains("<title>Nov 24: 5</title>"));
        assert!(svg.contains(">Day</text>") && svg.contains(">Customers &amp; families</text>"), "{svg}");
        // Ticks 0, 2, 4 … 10; the taller bar fills the plot: 204 of the 270 units (top 14, bottom 52).
        for tick in ["0", "2", "4", "6", "8", "10"] {
            assert!(svg.contains(&format!(">{tick}</text>")), "tick {tick}: {svg}");
        }
        assert!(svg.contains(r#"height="204.0""#), "{svg}");
    }
}
