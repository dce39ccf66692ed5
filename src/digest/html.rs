//! The HTML digest: one self-contained page (inline styles, inline SVG, no script, nothing
//! fetched) laid out with simple blocks and tables so it reads the same in a browser and in
//! mail clients. Every feed string is escaped; links go only to http and https pages.

use std::fmt::Write;

use super::escape::{html as esc, http_url};
use super::{Digest, FigureChange, StoryDigest, change, chart, since_label, when};

const FONT: &str = "-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif";
const MUTED: &str = "color:#667085;font-size:13px";
const CARD: &str = "background:#ffffff;border:1px solid #dde1e7;border-radius:8px;\
                    padding:18px 20px;margin:0 0 18px";
const H3: &str = "font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:#475467;\
                  margin:18px 0 6px";
const LINK: &str = "color:#1d4ed8;text-decoration:none";
const RULE: &str = "border-top:1px solid #eceef2";

/// Renders the digest as a complete HTML document.
pub fn render(d: &Digest) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light\">\n\
         <title>followup digest, {}</title>\n</head>\n\
         <body style=\"margin:0;padding:0;background:#eef0f3\">\n\
         <div style=\"max-width:760px;margin:0 auto;padding:24px 16px;font-family:{FONT};\
         color:#1d2433;line-height:1.45;font-size:15px\">\n\
         <h1 style=\"font-size:22px;margin:0 0 2px\">followup digest</h1>\n\
         <p style=\"{MUTED};margin:0 0 18px\">Made {}</p>\n",
        d.generated_at.format("%Y-%m-%d"),
        when(d.generated_at)
    );
    for story in &d.stories {
        story_part(&mut out, story);
    }
    if !d.feeds_in_trouble.is_empty() {
        let _ = write!(
            out,
            "<div style=\"{MUTED};border-top:1px solid #d0d5dd;padding-top:10px;margin-top:8px\">\
             <strong style=\"color:#b54708\">Feeds in trouble</strong>\
             <ul style=\"margin:4px 0 0;padding-left:18px\">"
        );
        for f in &d.feeds_in_trouble {
            let _ = write!(
                out,
                "<li>{}: failing since {}, {} errors",
                link(&f.name, &f.url, ""),
                when(f.failing_since),
                f.errors
            );
            if let Some(e) = &f.last_error {
                let _ = write!(out, "; last: {}", esc(e));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

/// An `<a>` to a web URL, else the escaped text alone.
fn link(text: &str, url: &str, style: &str) -> String {
    match http_url(url) {
        Some(u) => format!(
            "<a href=\"{}\" style=\"{LINK};{style}\">{}</a>",
            esc(&u),
            esc(text)
        ),
        None => esc(text),
    }
}

fn badge(text: &str, strong: bool) -> String {
    let (bg, fg) = if strong {
        ("#fde8e6", "#b42318")
    } else {
        ("#eef2f6", "#344054")
    };
    format!(
        "<span style=\"display:inline-block;background:{bg};color:{fg};border-radius:10px;\
         padding:1px 8px;margin:2px 6px 2px 0;font-size:12px;font-weight:600;\
         white-space:nowrap\">{}</span>",
        esc(text)
    )
}

fn story_part(out: &mut String, s: &StoryDigest) {
    let label = since_label(&s.period);
    if !s.has_news {
        let _ = writeln!(
            out,
            "<p style=\"{CARD};{MUTED}\"><strong style=\"color:#1d2433\">{}</strong> \
             ({}): nothing new {}.</p>",
            esc(&s.title),
            esc(&s.id),
            esc(&label)
        );
        return;
    }
    let _ = write!(
        out,
        "<div style=\"{CARD}\">\n<h2 style=\"font-size:19px;margin:0 0 2px\">{}</h2>\n\
         <p style=\"{MUTED};margin:0\">{} &middot; {} to {}",
        esc(&s.title),
        esc(&s.id),
        when(s.period.start),
        when(s.period.end)
    );
    if let Some(b) = &s.baseline {
        let title = b.title.as_deref().unwrap_or(&b.source);
        let _ = write!(out, "<br>Baseline: {}", link(title, &b.source, ""));
        if let Some(t) = b.published {
            let _ = write!(out, " ({})", when(t));
        }
    }
    out.push_str("</p>\n");

    if !s.figures.is_empty() {
        let _ = writeln!(out, "<h3 style=\"{H3}\">Figures</h3>");
        for f in &s.figures {
            figure_row(out, f, &label);
        }
    }

    if !s.followups.is_empty() {
        let _ = write!(
            out,
            "<h3 style=\"{H3}\">New follow-ups ({})</h3>\n\
             <ul style=\"list-style:none;padding:0;margin:0\">\n",
            s.followups.len()
        );
        for g in &s.followups {
            let outlets: Vec<String> = g
                .outlets
                .iter()
                .map(|o| link(&o.name, &o.url, "color:#475467"))
                .collect();
            let count = if g.outlets.len() > 1 {
                format!(" ({} outlets)", g.outlets.len())
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<li style=\"padding:7px 0;{RULE}\">{}<br>\
                 <span style=\"{MUTED}\">{} &middot; {}{count}</span></li>",
                link(&g.title, &g.url, "font-weight:600"),
                when(g.time),
                outlets.join(", ")
            );
        }
        out.push_str("</ul>\n");
    }

    if !s.new_names.is_empty() {
        let _ = write!(
            out,
            "<h3 style=\"{H3}\">New in the coverage</h3>\n<p style=\"margin:0\">"
        );
        for n in &s.new_names {
            let _ = write!(
                out,
                "<span style=\"display:inline-block;background:#eef4ff;color:#1d2433;\
                 border-radius:12px;padding:2px 10px;margin:0 6px 6px 0;font-size:13px\" \
                 title=\"{} follow-ups, {} new\">{} <strong>{}</strong></span>",
                n.followups,
                n.new_followups,
                esc(&n.name),
                n.followups
            );
        }
        let _ = write!(
            out,
            "</p>\n<p style=\"{MUTED};margin:2px 0 0\">Names that recur in follow-ups \
             but not in the baseline, with the number of follow-ups naming them.</p>\n"
        );
    }
    out.push_str("</div>\n");
}

fn figure_row(out: &mut String, f: &FigureChange, label: &str) {
    let numbers = match &f.baseline {
        Some(b) if b.url != f.latest.url || b.value != f.latest.value => format!(
            "<span style=\"color:#667085;font-weight:normal\">{}</span> &rarr; {}",
            esc(&b.phrase),
            esc(&f.latest.phrase)
        ),
        _ => esc(&f.latest.phrase),
    };
    let mut badges = String::new();
    if let (Some(d), Some(b)) = (f.since_baseline, &f.baseline)
        && (b.url != f.latest.url || d != 0)
    {
        badges.push_str(&badge(&format!("{} since the baseline", change(d)), false));
    }
    match f.since_previous {
        Some(d) if d != 0 => badges.push_str(&badge(&format!("{} {label}", change(d)), true)),
        None if f.changed => badges.push_str(&badge(&format!("new {label}"), true)),
        _ => {}
    }
    if f.baseline.is_some() && f.latest.outlet == "baseline" {
        badges.push_str(&badge("baseline, unchanged", false));
    }
    let mut source = format!("Latest: {}", link(&f.latest.outlet, &f.latest.url, ""));
    if let Some(t) = f.latest.as_of {
        let _ = write!(source, ", {}", when(t));
    }
    // Two inline blocks: side by side when there is room, the chart below the numbers on a
    // narrow screen; clients that ignore inline-block simply stack them.
    let _ = write!(
        out,
        "<div style=\"padding:10px 0 6px;{RULE}\">\
         <div style=\"display:inline-block;vertical-align:top;width:360px;max-width:100%;\
         margin:0 14px 6px 0\">\
         <div style=\"font-size:12px;text-transform:uppercase;letter-spacing:.05em;\
         color:#667085\">{}</div>\
         <div style=\"font-size:21px;font-weight:700;margin:1px 0 3px\">{numbers}</div>\
         <div>{badges}</div><div style=\"{MUTED};margin-top:3px\">{source}</div>",
        f.kind.as_str()
    );
    if !f.disagreements.is_empty() {
        let others: Vec<String> = f
            .disagreements
            .iter()
            .map(|x| {
                let mut o = format!("{} ({}", x.value, link(&x.outlet, &x.url, ""));
                if let Some(t) = x.as_of {
                    let _ = write!(o, ", {}", when(t));
                }
                o.push(')');
                o
            })
            .collect();
        let _ = write!(
            out,
            "<div style=\"font-size:13px;color:#b54708;margin-top:2px\">Other outlets say: {}</div>",
            others.join("; ")
        );
    }
    let _ = writeln!(
        out,
        "</div><div style=\"display:inline-block;vertical-align:top;width:300px;\
         max-width:100%\">{}</div></div>",
        chart::svg(f)
    );
}
