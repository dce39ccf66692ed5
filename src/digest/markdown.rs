//! The Markdown digest, for chat and wikis. Feed strings are escaped so they show as
//! written, and only the digest's own links (to http and https pages) are links.

use std::fmt::Write;

use super::escape::{markdown as md, markdown_url};
use super::{Digest, StoryDigest, figure_line, since_label, when};

/// Renders the digest as Markdown.
pub fn render(d: &Digest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# followup digest\n\n_Made {}._", when(d.generated_at));
    for story in &d.stories {
        out.push('\n');
        story_part(&mut out, story);
    }
    if !d.feeds_in_trouble.is_empty() {
        out.push_str("\n---\n\n**Feeds in trouble**\n\n");
        for f in &d.feeds_in_trouble {
            let _ = write!(
                out,
                "- {}: failing since {}, {} errors",
                link(&f.name, &f.url),
                when(f.failing_since),
                f.errors
            );
            if let Some(e) = &f.last_error {
                let _ = write!(out, "; last: {}", md(e));
            }
            out.push('\n');
        }
    }
    out
}

/// `[text](url)` for a web URL, else the escaped text alone.
fn link(text: &str, url: &str) -> String {
    match markdown_url(url) {
        Some(u) => format!("[{}]({u})", md(text)),
        None => md(text),
    }
}

fn story_part(out: &mut String, s: &StoryDigest) {
    let label = since_label(&s.period);
    if !s.has_news {
        let _ = writeln!(
            out,
            "**{}** ({}): nothing new {label}.",
            md(&s.title),
            md(&s.id)
        );
        return;
    }
    let _ = writeln!(out, "## {}\n", md(&s.title));
    let _ = write!(
        out,
        "_{}: {} to {}._",
        md(&s.id),
        when(s.period.start),
        when(s.period.end)
    );
    if let Some(b) = &s.baseline {
        let title = b.title.as_deref().unwrap_or(&b.source);
        let _ = write!(out, " Baseline: {}", link(title, &b.source));
        if let Some(t) = b.published {
            let _ = write!(out, " ({})", when(t));
        }
        out.push('.');
    }
    out.push('\n');

    if !s.figures.is_empty() {
        out.push_str("\n### Figures\n\n");
        for f in &s.figures {
            let line = md(&figure_line(f, &label));
            let strong = if f.changed { "**" } else { "" };
            let _ = write!(out, "- {strong}{}: {line}{strong}", f.kind.as_str());
            let _ = write!(out, ". Latest: {}", link(&f.latest.outlet, &f.latest.url));
            if let Some(t) = f.latest.as_of {
                let _ = write!(out, ", {}", when(t));
            }
            if !f.disagreements.is_empty() {
                let others: Vec<String> = f
                    .disagreements
                    .iter()
                    .map(|x| format!("{} ({})", x.value, link(&x.outlet, &x.url)))
                    .collect();
                let _ = write!(out, ". Other outlets say: {}", others.join("; "));
            }
            out.push('\n');
        }
    }

    if !s.followups.is_empty() {
        let _ = writeln!(out, "\n### New follow-ups ({})\n", s.followups.len());
        for g in &s.followups {
            let outlets: Vec<String> = g.outlets.iter().map(|o| link(&o.name, &o.url)).collect();
            let _ = writeln!(
                out,
                "- {}, {}: {}",
                link(&g.title, &g.url),
                when(g.time),
                outlets.join(", ")
            );
        }
    }

    if !s.new_names.is_empty() {
        out.push_str("\n### New in the coverage\n\n");
        for n in &s.new_names {
            let _ = writeln!(
                out,
                "- {}: {} follow-ups, {} new",
                md(&n.name),
                n.followups,
                n.new_followups
            );
        }
    }
}
