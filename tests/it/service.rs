//! What a packaged service needs besides the daemon: shell completions and a man page that
//! match this build, reporting commands that never write to the database, and log lines
//! fit for the journal.

use std::process::{Command, Stdio};

use crate::util::{Feed, TestEnv};

#[test]
fn completions_name_every_command_for_each_shell() {
    let env = TestEnv::new(&[], &[]);
    for shell in ["bash", "zsh", "fish"] {
        let run = env.run_plain(&["completions", shell]);
        assert!(run.ok(), "{run:#?}");
        for command in ["poll", "run", "matches", "figures", "completions"] {
            assert!(run.stdout.contains(command), "{shell}: no {command}");
        }
    }
    assert!(!env.run_plain(&["completions", "tcsh"]).ok());
}

#[test]
fn man_page_documents_commands_and_their_flags() {
    let env = TestEnv::new(&[], &[]);
    let run = env.run_plain(&["man"]);
    assert!(run.ok(), "{run:#?}");
    assert!(run.stdout.starts_with(".ie") || run.stdout.contains(".TH followup 1"));
    assert!(run.stdout.contains("FOLLOWUP MATCHES"), "{}", run.stdout);
    assert!(run.stdout.contains("\\-\\-config"));
}

#[test]
fn reporting_commands_create_and_write_nothing() {
    let env = TestEnv::new(&[], &[Feed::new("https://wire.example/rss")]);
    for args in [
        &["items"][..],
        &["feeds"][..],
        &["matches"][..],
        &["figures", "--story", "none"][..],
    ] {
        let _ = env.run(args);
        assert!(!env.db.exists(), "{args:?} created the database");
    }
    let feeds = env.feeds();
    assert_eq!(feeds.len(), 1);
    assert!(feeds[0]["last_fetch"].is_null());
}

#[test]
fn reporting_on_an_outdated_schema_says_how_to_upgrade() {
    let env = TestEnv::new(&[], &[]);
    let conn = rusqlite::Connection::open(&env.db).expect("create a database");
    conn.pragma_update(None, "user_version", 1)
        .expect("set user_version");
    drop(conn);
    let run = env.run(&["items"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("older than"), "{}", run.stderr);
    assert!(run.stderr.contains("followup poll"), "{}", run.stderr);
}

/// Runs `poll` (whose one feed refuses connections, so it logs a warning: `RUST_LOG` asks
/// for the feed jobs' warnings, which `poll` otherwise leaves to its report) through `sh`,
/// with `JOURNAL_STREAM` set to `stream`, where `$STDERR` stands for stderr's own
/// `device:inode` as systemd would write it. Returns stderr.
fn poll_log_with_journal_stream(stream: &str) -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    let env = TestEnv::new(&[], &[Feed::new(url)]);
    let script = format!(
        "STDERR=$(stat -L -c %d:%i /proc/self/fd/2) || exit 9; JOURNAL_STREAM=\"{stream}\" exec \"$0\" --config \"$1\" poll"
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_followup"))
        .arg(&env.config)
        .current_dir(env.dir())
        .env("RUST_LOG", "followup=info")
        .env_remove("JOURNAL_STREAM")
        .stdin(Stdio::null())
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // The one feed cannot be read: poll's documented status for reading nothing.
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    stderr
}

/// Whether a log line starts with an RFC 3339 timestamp.
fn stamped(line: &str) -> bool {
    line.get(..4)
        .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
        && line.contains('T')
}

#[test]
fn under_systemd_lines_carry_a_priority_and_no_colour_or_timestamp() {
    let log = poll_log_with_journal_stream("$STDERR");
    let warning = log
        .lines()
        .find(|l| l.contains("feed fetch failed"))
        .unwrap_or_else(|| panic!("no warning in {log}"));
    assert!(!warning.contains('\x1b'), "{warning:?}");
    // journald reads the leading <4> as the priority (warning) and strips it.
    let rest = warning
        .strip_prefix("<4>")
        .unwrap_or_else(|| panic!("no <4> priority: {warning}"));
    assert!(rest.trim_start().starts_with("WARN "), "{warning}");
    assert!(rest.contains("feed_url=http://127.0.0.1:"), "{warning}");
}

#[test]
fn a_journal_stream_that_is_not_stderr_keeps_ordinary_lines() {
    // A shell started by a user service inherits JOURNAL_STREAM with another stderr.
    let log = poll_log_with_journal_stream("1:1");
    let warning = log
        .lines()
        .find(|l| l.contains("feed fetch failed"))
        .unwrap_or_else(|| panic!("no warning in {log}"));
    assert!(stamped(warning), "{warning}");
    assert!(!warning.starts_with('<'), "{warning}");
}
