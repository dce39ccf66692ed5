//! Progress on long work (`poll` of many feeds, `rematch`, `prune`): a bar or spinner on
//! stderr when it is a terminal, nothing otherwise (pipes, cron, systemd's journal).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting `len` steps of `what` ("feeds"); hidden off a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), target());
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} {{bar:30}} {{pos}}/{{len}} {what} ({{elapsed}}) {{msg}}"
    )) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A spinner saying what runs ("pruning"); hidden off a terminal.
pub fn spinner(what: &str) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, target());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        spinner.set_style(style);
    }
    spinner.set_message(what.to_string());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// stderr when it is a terminal that is not systemd's journal, else nowhere.
fn target() -> ProgressDrawTarget {
    let terminal = std::io::stderr().is_terminal() && std::env::var_os("JOURNAL_STREAM").is_none();
    if terminal {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}
