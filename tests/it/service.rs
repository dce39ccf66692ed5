//! What a packaged service needs besides the daemon: shell completions and a man page that
//! match this build, and reporting commands that never write to the database.

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
