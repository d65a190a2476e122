//! Charts drawn as SVG on the server (R-RP-01): no script, no library, printable, and
//! accessible (a title and a description name the chart; the page shows the same figures in
//! a table beside it).

use std::fmt::Write;

use crate::kernel::html::escape;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// A round number at or above `max`, for the top of the scale.
fn scale_top(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let step = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * step).find(|t| *t >= max).unwrap_or(10.0 * step)
}

/// A bar chart of labelled values; `id` makes its title and description referable.
pub fn bars(id: &str, title: &str, description: &str, points: &[(String, f64)]) -> String {
    let top = scale_top(points.iter().map(|(_, v)| *v).fold(0.0, f64::max));
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = points.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="cris-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#dfe1e2"/><text x="{}" y="{:.1}" text-anchor="end" font-size="11" fill="#1b1b1b">{}</text>"##,
            WIDTH - 8.0,
            LEFT - 4.0,
            y + 4.0,
            if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
        );
    }
    // At most about 12 labels under the axis, so they never overlap.
    let every = (points.len() / 12).max(1);
    for (i, (label, value)) in points.iter().enumerate() {
        let h = plot_h * value / top;
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="#005ea2"><title>{}: {}</title></rect>"##,
            TOP + plot_h - h,
            escape(label),
            if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
        );
        if i % every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="11" fill="#1b1b1b">{}</text>"##,
                x + bar / 2.0,
                HEIGHT - 10.0,
                escape(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-RP-01: charts drawn on the server, one bar a value, scaled to a round top.
    #[test]
    fn bars_are_scaled_and_labelled() {
        assert_eq!([0.0, 3.0, 7.0, 12.0, 480.0].map(scale_top), [1.0, 5.0, 10.0, 20.0, 500.0]);
        let svg = bars("visits", "Visits <a day>", "Per day", &[("11-23".into(), 10.0), ("11-24".into(), 5.0)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("Visits &lt;a day&gt;") && svg.contains("<title>11-24: 5</title>"));
        // The taller bar fills the plot: 200 of the 240 units (top 12, bottom 28).
        assert!(svg.contains(r#"height="200.0""#), "{svg}");
    }
}
