//! Alerts: after each story round (the daemon and `poll` call [`fire`] with what the round
//! stored), every story with an `on_change` command or a `webhook` is told about each new
//! latest figure and each new follow-up group, once per channel, so urgent changes need not
//! wait for the daily digest.
//!
//! What each channel announced is kept in the `alerts` table; a change is marked only after
//! its delivery succeeded, so a failure is logged and retried on the next round, never fatal.

use std::process::Stdio;
use std::time::Duration;

use chrono::{Duration as ChronoDuration, Utc};
use serde_json::{Value, json};
use tracing::{debug, info, warn};

use tokio::io::AsyncWriteExt;

use super::{FollowupGroup, Period, escape, groups};
use crate::chain::Chain;
use crate::config::{Config, StoryConfig};
use crate::fetch::Fetcher;
use crate::model::FigureRow;
use crate::store::{Db, MatchFilter, StoreError};

/// Follow-up groups first seen longer ago than this are history, not news: a channel added
/// to an old story does not replay its whole coverage.
const FRESH_HOURS: i64 = 48;
/// How long an `on_change` command may run before it is killed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a webhook request may take.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(20);

/// One change to announce.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `figure:<kind>` or `group:<id>`: what the `alerts` table keys on.
    pub key: String,
    /// What was said under the key; a different value is announced again.
    pub value: String,
    /// The JSON sent on stdin and to the webhook.
    pub payload: Value,
}

/// What the alerts of a round did, for logs and tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertReport {
    /// Changes delivered.
    pub sent: usize,
    /// Deliveries that failed (retried next round).
    pub failed: usize,
}

/// Why an alert could not be delivered.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The story's state could not be read.
    #[error("reading the story")]
    Store(#[source] StoreError),
    /// `on_change` is an empty list.
    #[error("on_change is empty")]
    NoCommand,
    /// The command could not be started, fed or waited for.
    #[error("running {program}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The command failed.
    #[error("{program} exited with {status}")]
    Exit {
        /// The program.
        program: String,
        /// How it ended.
        status: std::process::ExitStatus,
    },
    /// The command ran too long and was killed.
    #[error("{program} ran longer than {COMMAND_TIMEOUT:?}")]
    Timeout {
        /// The program.
        program: String,
    },
    /// The webhook could not be reached or did not answer 2xx.
    #[error("POST {url}")]
    Webhook {
        /// The webhook.
        url: url::Url,
        /// Why.
        #[source]
        source: crate::fetch::FetchError,
    },
}

/// The channels of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Command,
    Webhook,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Command => "command",
            Channel::Webhook => "webhook",
        }
    }
}

/// Announces what changed in every story with alert channels. Never fails: problems are
/// logged and the change stays unannounced for the next round.
pub async fn fire(db: &Db, config: &Config, client: &Fetcher) -> AlertReport {
    let mut report = AlertReport::default();
    let stories = config
        .stories
        .iter()
        .filter(|s| !s.on_change.is_empty() || s.webhook.is_some());
    for story in stories {
        let changes = match changes_of(db, story).await {
            Ok(c) => c,
            Err(err) => {
                warn!(story_id = %story.id, error = %Chain(&err), "cannot compute alerts");
                continue;
            }
        };
        let mut channels = Vec::new();
        if !story.on_change.is_empty() {
            channels.push(Channel::Command);
        }
        if story.webhook.is_some() {
            channels.push(Channel::Webhook);
        }
        for channel in channels {
            let ch = channel.as_str();
            let seen = match db.announced(story.id.clone(), ch).await {
                Ok(seen) => seen,
                Err(err) => {
                    warn!(story_id = %story.id, error = %Chain(&err), "cannot read announced alerts");
                    continue;
                }
            };
            for change in changes
                .iter()
                .filter(|c| seen.get(&c.key) != Some(&c.value))
            {
                let delivered = match channel {
                    Channel::Command => run_command(&story.on_change, story, change).await,
                    Channel::Webhook => match &story.webhook {
                        Some(url) => post(client, url, change).await,
                        None => continue,
                    },
                };
                match delivered {
                    Ok(()) => {
                        report.sent += 1;
                        info!(story_id = %story.id, channel = ch, key = %change.key, "alert sent");
                        let (sid, key, value) =
                            (story.id.clone(), change.key.clone(), change.value.clone());
                        if let Err(err) = db.mark_announced(sid, ch, key, value, Utc::now()).await {
                            warn!(story_id = %story.id, error = %Chain(&err), "cannot record an alert");
                        }
                    }
                    Err(err) => {
                        report.failed += 1;
                        warn!(story_id = %story.id, channel = ch, key = %change.key, error = %Chain(&err),
                            "alert failed; retrying next round");
                        // The channel is down: the rest would fail too, each after a timeout.
                        break;
                    }
                }
            }
        }
    }
    report
}

/// The story's current announceable state: the latest figure of each kind (when an article,
/// not the baseline, states it) and each fresh follow-up group.
async fn changes_of(db: &Db, story: &StoryConfig) -> Result<Vec<Change>, AlertError> {
    let rows = db
        .observations(story.id.clone())
        .await
        .map_err(AlertError::Store)?;
    let matches = db
        .matches(MatchFilter {
            story: Some(story.id.clone()),
            limit: usize::MAX >> 1,
            ..Default::default()
        })
        .await
        .map_err(AlertError::Store)?;
    let standings = super::standings_of(&matches);
    let timeline = super::timeline::build(&rows, |url| standings.get(url));
    let now = Utc::now();
    let fresh = Period {
        start: now - ChronoDuration::hours(FRESH_HOURS),
        end: now + ChronoDuration::seconds(1),
        since_previous_digest: false,
    };
    let outlets = super::outlet_names(&matches);
    let mut out = Vec::new();
    for (kind, latest) in &timeline.latest {
        if latest.baseline {
            continue;
        }
        out.push(figure_change(
            story,
            latest,
            timeline.baseline.get(kind),
            timeline.delta.get(kind).copied(),
            outlets.get(&latest.url).cloned(),
        ));
    }
    let mut groups = groups(&matches, &fresh);
    groups.reverse();
    out.extend(groups.iter().map(|g| group_change(story, g)));
    Ok(out)
}

fn figure_change(
    story: &StoryConfig,
    latest: &FigureRow,
    baseline: Option<&FigureRow>,
    since_baseline: Option<i64>,
    outlet: Option<String>,
) -> Change {
    let phrase = match latest.qualifier.phrase() {
        "" => latest.value.to_string(),
        q => format!("{q} {}", latest.value),
    };
    Change {
        key: format!("figure:{}", latest.kind.as_str()),
        value: format!("{} {}", latest.value, latest.qualifier.as_str()),
        payload: json!({
            "story": story.id,
            "story_title": story.title,
            "kind": "figure",
            "figure": latest.kind.as_str(),
            "value": latest.value,
            "qualifier": latest.qualifier.as_str(),
            "phrase": phrase,
            "baseline": baseline.map(|b| b.value),
            "since_baseline": since_baseline,
            "url": latest.url,
            "title": latest.title.as_deref().map(escape::single_line),
            "outlet": outlet.as_deref().map(escape::single_line),
            "as_of": latest.as_of,
            "sentence": escape::single_line(&latest.sentence),
        }),
    }
}

fn group_change(story: &StoryConfig, g: &FollowupGroup) -> Change {
    Change {
        key: format!("group:{}", g.group),
        value: "new".to_string(),
        payload: json!({
            "story": story.id,
            "story_title": story.title,
            "kind": "followup",
            "group": g.group,
            "title": escape::single_line(&g.title),
            "url": g.url,
            "time": g.time,
            "outlets": g.outlets.iter().map(|o| json!({
                "name": escape::single_line(&o.name),
                "url": o.url,
            })).collect::<Vec<_>>(),
        }),
    }
}

/// `FOLLOWUP_*` variables for a change: the story, the kind and the main fields, as one-line
/// text (no control characters, which a command line or `env` might misread).
fn environment(story: &StoryConfig, change: &Change) -> Vec<(String, String)> {
    let p = &change.payload;
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => escape::single_line(s),
        other => other.to_string(),
    };
    let mut env = vec![
        ("FOLLOWUP_STORY".to_string(), story.id.clone()),
        (
            "FOLLOWUP_STORY_TITLE".to_string(),
            escape::single_line(&story.title),
        ),
        ("FOLLOWUP_KIND".to_string(), text(&p["kind"])),
        ("FOLLOWUP_TITLE".to_string(), text(&p["title"])),
        ("FOLLOWUP_URL".to_string(), text(&p["url"])),
    ];
    if p["kind"] == "figure" {
        for (var, field) in [
            ("FOLLOWUP_FIGURE", "figure"),
            ("FOLLOWUP_VALUE", "value"),
            ("FOLLOWUP_PHRASE", "phrase"),
            ("FOLLOWUP_BASELINE", "baseline"),
            ("FOLLOWUP_SINCE_BASELINE", "since_baseline"),
            ("FOLLOWUP_AS_OF", "as_of"),
        ] {
            env.push((var.to_string(), text(&p[field])));
        }
    } else {
        let outlets: Vec<String> = p["outlets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| text(&o["name"]))
            .collect();
        env.push(("FOLLOWUP_OUTLETS".to_string(), outlets.join(", ")));
        env.push(("FOLLOWUP_TIME".to_string(), text(&p["time"])));
    }
    env
}

/// Runs the command with the change as JSON on stdin; success is exit status 0 within
/// [`COMMAND_TIMEOUT`] (a command still running then is killed).
async fn run_command(
    argv: &[String],
    story: &StoryConfig,
    change: &Change,
) -> Result<(), AlertError> {
    let (program, args) = argv.split_first().ok_or(AlertError::NoCommand)?;
    let spawn = |source| AlertError::Spawn {
        program: program.clone(),
        source,
    };
    let mut input = serde_json::to_vec(&change.payload).unwrap_or_default();
    input.push(b'\n');
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .envs(environment(story, change))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(spawn)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that ignores its input closes the pipe early; that is its business.
        let _ = stdin.write_all(&input).await;
    }
    match tokio::time::timeout(COMMAND_TIMEOUT, child.wait()).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(AlertError::Exit {
            program: program.clone(),
            status,
        }),
        Ok(Err(source)) => Err(spawn(source)),
        Err(_) => {
            let _ = child.kill().await;
            Err(AlertError::Timeout {
                program: program.clone(),
            })
        }
    }
}

/// POSTs the change as JSON; any 2xx answer counts as delivered.
async fn post(client: &Fetcher, url: &url::Url, change: &Change) -> Result<(), AlertError> {
    let body = serde_json::to_vec(&change.payload).unwrap_or_default();
    let status = client
        .post_json(url, body, WEBHOOK_TIMEOUT)
        .await
        .map_err(|source| AlertError::Webhook {
            url: url.clone(),
            source,
        })?;
    debug!(%url, status, "webhook answered");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Outlet;
    use crate::model::{FigureKind, Qualifier};
    use chrono::TimeZone;

    fn story() -> StoryConfig {
        StoryConfig {
            id: "flood".into(),
            title: "River\nflood".into(),
            baseline: None,
            entities: vec![],
            aliases: Default::default(),
            exclude: vec![],
            since: None,
            until: None,
            baseline_figures: Default::default(),
            recheck_for: Duration::from_secs(3600),
            on_change: vec!["/bin/true".into()],
            webhook: None,
        }
    }

    #[test]
    fn figure_changes_key_on_kind_and_value() {
        let row = FigureRow {
            kind: FigureKind::Killed,
            value: 21,
            qualifier: Qualifier::AtLeast,
            url: "https://a.example/1".into(),
            title: Some("Toll \u{1b}[2Jrises".into()),
            as_of: Some(Utc.with_ymd_and_hms(2031, 5, 10, 9, 0, 0).unwrap()),
            observed_at: Utc.with_ymd_and_hms(2031, 5, 10, 9, 5, 0).unwrap(),
            sentence: "At least 21 people died.".into(),
            term: "died".into(),
            baseline: false,
            current: true,
        };
        let c = figure_change(&story(), &row, None, None, Some("Courier".into()));
        assert_eq!(c.key, "figure:killed");
        assert_eq!(c.value, "21 at_least");
        assert_eq!(c.payload["phrase"], "at least 21");
        assert_eq!(c.payload["title"], "Toll rises");
        let env = environment(&story(), &c);
        assert!(env.contains(&("FOLLOWUP_VALUE".into(), "21".into())));
        assert!(env.contains(&("FOLLOWUP_STORY_TITLE".into(), "River flood".into())));
        assert!(env.contains(&("FOLLOWUP_BASELINE".into(), String::new())));
    }

    #[test]
    fn groups_key_on_their_id() {
        let g = FollowupGroup {
            group: 42,
            title: "Pumps arrive".into(),
            url: "https://a.example/2".into(),
            time: Utc.with_ymd_and_hms(2031, 5, 10, 9, 0, 0).unwrap(),
            outlets: vec![
                Outlet {
                    name: "Courier".into(),
                    url: "https://a.example/2".into(),
                },
                Outlet {
                    name: "Post".into(),
                    url: "https://b.example/2".into(),
                },
            ],
            new_items: 2,
        };
        let c = group_change(&story(), &g);
        assert_eq!(c.key, "group:42");
        let env = environment(&story(), &c);
        assert!(env.contains(&("FOLLOWUP_OUTLETS".into(), "Courier, Post".into())));
        assert!(env.contains(&("FOLLOWUP_KIND".into(), "followup".into())));
    }

    #[tokio::test]
    async fn commands_get_stdin_and_exit_status_counts() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got.json");
        let script = format!(
            "cat > '{}'; test \"$FOLLOWUP_KIND\" = figure",
            out.display()
        );
        let change = Change {
            key: "figure:killed".into(),
            value: "3 exact".into(),
            payload: json!({"kind": "figure", "value": 3}),
        };
        let argv = vec!["/bin/sh".to_string(), "-c".to_string(), script];
        run_command(&argv, &story(), &change).await.unwrap();
        let got: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(got["value"], 3);
        let failing = vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            "exit 3".to_string(),
        ];
        assert!(run_command(&failing, &story(), &change).await.is_err());
        let missing = vec!["/nonexistent/followup-hook".to_string()];
        assert!(run_command(&missing, &story(), &change).await.is_err());
    }
}
