//! The plain-text digest, for a terminal and a plain e-mail: short lines, no markup, every
//! feed string stripped of control characters and escape sequences.

use std::fmt::Write;

use super::escape::text as safe;
use super::{Digest, StoryDigest, figure_line, since_label, when};

/// Renders the digest as plain text.
pub fn render(d: &Digest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "followup digest, made {}", when(d.generated_at));
    for story in &d.stories {
        out.push('\n');
        story_part(&mut out, story);
    }
    if !d.feeds_in_trouble.is_empty() {
        out.push_str("\nFeeds in trouble\n");
        for f in &d.feeds_in_trouble {
            let _ = write!(
                out,
                "  {} ({}): failing since {}, {} errors",
                safe(&f.name),
                safe(&f.url),
                when(f.failing_since),
                f.errors
            );
            if let Some(e) = &f.last_error {
                let _ = write!(out, "; last: {}", safe(e));
            }
            out.push('\n');
        }
    }
    out
}

fn story_part(out: &mut String, s: &StoryDigest) {
    let label = since_label(&s.period);
    let heading = format!("{} ({})", safe(&s.title), safe(&s.id));
    if !s.has_news {
        let _ = writeln!(out, "{heading}: nothing new {label}.");
        return;
    }
    let _ = writeln!(out, "{heading}");
    let _ = writeln!(out, "{}", "=".repeat(heading.chars().count().min(72)));
    let _ = write!(
        out,
        "Covering {} to {}",
        when(s.period.start),
        when(s.period.end)
    );
    if let Some(b) = &s.baseline {
        let _ = write!(
            out,
            ". Baseline: \"{}\"",
            safe(b.title.as_deref().unwrap_or(&b.source))
        );
        if let Some(t) = b.published {
            let _ = write!(out, " ({})", when(t));
        }
    }
    out.push_str(".\n");

    if !s.figures.is_empty() {
        out.push_str("\nFigures\n");
        for f in &s.figures {
            let mark = if f.changed { "*" } else { " " };
            let _ = writeln!(
                out,
                "{mark} {:<9} {}",
                f.kind.as_str(),
                figure_line(f, &label)
            );
            let mut source = format!("latest: {}", safe(&f.latest.outlet));
            if let Some(t) = f.latest.as_of {
                let _ = write!(source, ", {}", when(t));
            }
            let _ = writeln!(out, "            {source}");
            if f.latest.outlet != "baseline" || f.baseline.is_none() {
                let _ = writeln!(out, "            {}", safe(&f.latest.url));
            }
            if !f.disagreements.is_empty() {
                let others: Vec<String> = f
                    .disagreements
                    .iter()
                    .map(|x| {
                        let mut o = format!("{} ({}", x.value, safe(&x.outlet));
                        if let Some(t) = x.as_of {
                            let _ = write!(o, ", {}", when(t));
                        }
                        o.push(')');
                        o
                    })
                    .collect();
                let _ = writeln!(out, "            other outlets say: {}", others.join("; "));
            }
        }
        if s.figures.iter().any(|f| f.changed) {
            let _ = writeln!(out, "  (* changed {label})");
        }
    }

    if !s.followups.is_empty() {
        let _ = writeln!(out, "\nNew follow-ups ({})", s.followups.len());
        for g in &s.followups {
            let _ = writeln!(out, "  {}  {}", when(g.time), safe(&g.title));
            let names: Vec<String> = g.outlets.iter().map(|o| safe(&o.name)).collect();
            let count = if g.outlets.len() > 1 {
                format!(" ({} outlets)", g.outlets.len())
            } else {
                String::new()
            };
            let _ = writeln!(out, "      {}{count}", names.join(", "));
            let _ = writeln!(out, "      {}", safe(&g.url));
        }
    }

    if !s.new_names.is_empty() {
        out.push_str("\nNew in the coverage\n");
        let names: Vec<String> = s
            .new_names
            .iter()
            .map(|n| {
                format!(
                    "{} ({} follow-ups, {} new)",
                    safe(&n.name),
                    n.followups,
                    n.new_followups
                )
            })
            .collect();
        let _ = writeln!(out, "  {}", names.join("; "));
    }
}
