//! A small inline SVG chart of one figure kind: the values stated over time (declared times)
//! as dots joined in time order, the baseline as a dashed line, the latest value labelled.
//! Plain SVG 1.1 with presentation attributes, so it needs no CSS, script or font file.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::FigureChange;

const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 96.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 20.0;

/// The chart of one figure kind, as an `<svg>` element.
pub fn svg(f: &FigureChange) -> String {
    let mut points: Vec<(DateTime<Utc>, u64)> =
        f.history.iter().map(|p| (p.as_of, p.value)).collect();
    if let (Some(b), Some(t)) = (&f.baseline, f.baseline.as_ref().and_then(|b| b.as_of))
        && !points.contains(&(t, b.value))
    {
        points.push((t, b.value));
    }
    points.sort();
    let baseline = f.baseline.as_ref().map(|b| b.value);
    let label = format!("{} over time", f.kind.as_str());
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{label}\" \
         style=\"display:block;max-width:100%;height:auto\">\
         <title>{label}</title>\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" rx=\"4\" fill=\"#f7f8fa\"/>"
    );
    let values = points
        .iter()
        .map(|p| p.1)
        .chain(baseline)
        .chain(std::iter::once(f.latest.value));
    let (lo, hi) = values.fold((u64::MAX, 0u64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo as f64, hi as f64);
    // Some room above and below, and a visible span even when every value is the same.
    let pad = ((hi - lo) * 0.15).max(1.0);
    let (y_lo, y_hi) = ((lo - pad).max(0.0), hi + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h;
    let (t0, t1) = match (points.first(), points.last()) {
        (Some(a), Some(b)) => (a.0.timestamp() as f64, b.0.timestamp() as f64),
        _ => (0.0, 0.0),
    };
    let x = |t: DateTime<Utc>| {
        if t1 > t0 {
            LEFT + (t.timestamp() as f64 - t0) / (t1 - t0) * plot_w
        } else {
            LEFT + plot_w / 2.0
        }
    };
    // Axis labels: the value range on the left, the first and last dates below.
    let _ = write!(
        out,
        "<g font-family=\"Helvetica,Arial,sans-serif\" font-size=\"9\" fill=\"#667085\">\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        LEFT - 5.0,
        y(hi) + 3.0,
        hi,
        LEFT - 5.0,
        y(lo) + 3.0,
        lo
    );
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            out,
            "<text x=\"{LEFT:.1}\" y=\"{:.1}\">{}</text>",
            HEIGHT - 6.0,
            first.0.format("%d %b %H:%M")
        );
        if last.0 != first.0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                LEFT + plot_w,
                HEIGHT - 6.0,
                last.0.format("%d %b %H:%M")
            );
        }
    }
    out.push_str("</g>");
    if let Some(b) = baseline {
        let by = y(b as f64);
        let _ = write!(
            out,
            "<line x1=\"{LEFT:.1}\" y1=\"{by:.1}\" x2=\"{:.1}\" y2=\"{by:.1}\" stroke=\"#98a2b3\" \
             stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-family=\"Helvetica,Arial,sans-serif\" \
             font-size=\"9\" fill=\"#667085\">base {b}</text>",
            LEFT + plot_w,
            LEFT + plot_w + 4.0,
            by + 3.0
        );
    }
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v as f64)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#7a8aa6\" stroke-width=\"1.2\"/>",
            path.join(" ")
        );
    }
    for (t, v) in &points {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"#7a8aa6\"/>",
            x(*t),
            y(*v as f64)
        );
    }
    if let Some(t) = f.latest.as_of.filter(|_| !points.is_empty()) {
        let (lx, ly) = (x(t), y(f.latest.value as f64));
        let _ = write!(
            out,
            "<circle cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"4\" fill=\"#c0362c\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-family=\"Helvetica,Arial,sans-serif\" \
             font-size=\"11\" font-weight=\"bold\" fill=\"#c0362c\">{}</text>",
            LEFT + plot_w + 4.0,
            (ly + 4.0).clamp(TOP + 8.0, TOP + plot_h),
            f.latest.value
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{Figure, Point};
    use crate::model::{FigureKind, Qualifier};
    use chrono::TimeZone;

    fn figure(value: u64, hour: u32) -> Figure {
        Figure {
            value,
            qualifier: Qualifier::Exact,
            phrase: value.to_string(),
            url: "https://a.example/x".into(),
            title: None,
            outlet: "A".into(),
            as_of: Some(Utc.with_ymd_and_hms(2031, 5, 10, hour, 0, 0).unwrap()),
        }
    }

    fn change(points: &[(u32, u64)], baseline: Option<u64>, latest: u64) -> FigureChange {
        FigureChange {
            kind: FigureKind::Missing,
            baseline: baseline.map(|b| figure(b, 1)),
            latest: figure(latest, points.last().map_or(1, |p| p.0)),
            since_baseline: None,
            previous: None,
            since_previous: None,
            changed: true,
            disagreements: Vec::new(),
            history: points
                .iter()
                .map(|(h, v)| Point {
                    as_of: Utc.with_ymd_and_hms(2031, 5, 10, *h, 0, 0).unwrap(),
                    value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn marks_baseline_and_latest() {
        let svg = svg(&change(&[(3, 14), (9, 21)], Some(9), 21));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("stroke-dasharray"), "{svg}");
        assert!(svg.contains(">base 9<"), "{svg}");
        assert!(svg.contains(">21<"), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn one_point_and_equal_values_stay_finite() {
        for c in [change(&[], None, 5), change(&[(4, 5), (6, 5)], Some(5), 5)] {
            let svg = svg(&c);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
        let huge = svg(&change(&[(1, 0), (2, u64::MAX)], None, u64::MAX));
        assert!(!huge.contains("NaN"), "{huge}");
    }
}
