//! `followup run`: the daemon. Polls each feed on its schedule and runs the story stage
//! until SIGINT or SIGTERM, then lets jobs in hand finish (or cancels them after a grace
//! period) and exits 0. SIGHUP reloads the config file; an invalid one is reported with its
//! file:line and the running config kept. Under systemd (`Type=notify`) it sends READY=1 once
//! the config is valid and the database migrated, WATCHDOG=1 while the scheduler makes
//! progress, and STOPPING=1 on shutdown; without `NOTIFY_SOCKET` these are no-ops. With
//! `[settings] metrics` it serves `/metrics` and `/healthz` on that address; the address is
//! bound before READY=1, so a taken port fails the start.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::chain::Chain;
use crate::config::{self, Config};
use crate::daemon::{self, Control};
use crate::health::Heartbeat;
use crate::metrics::{self, Metrics};
use crate::pipeline::Context;
use crate::store::Store;

/// Test hook: while the file this names exists, the scheduler loop blocks, so the watchdog
/// test can watch the pings stop. Not for production use.
const STALL_FILE_VAR: &str = "FOLLOWUP_TEST_STALL_FILE";

/// Arguments of `run` (none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the scheduler until a termination signal.
pub fn run(_args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    let config_path = config.path.clone();
    let metrics_addr = config.settings.metrics;
    let metrics = if metrics_addr.is_some() {
        Metrics::new()
    } else {
        Metrics::off()
    };
    let ctx = Context::new(super::shared(config), store)?.with_metrics(metrics.clone());
    let watchdog = sd_notify::watchdog_enabled();
    let heartbeat = Heartbeat::for_watchdog(watchdog);
    let stall_file = std::env::var_os(STALL_FILE_VAR).map(PathBuf::from);
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        let server = match metrics_addr {
            Some(addr) => {
                let listener = metrics::server::bind(addr)
                    .await
                    .with_context(|| format!("metrics: cannot listen on {addr}"))?;
                // The bound address, not the configured one: port 0 picks a free port.
                let bound = listener.local_addr().unwrap_or(addr);
                info!(metrics_addr = %bound, "serving /metrics and /healthz");
                Some(tokio::spawn(metrics::server::serve(
                    listener,
                    metrics,
                    heartbeat.clone(),
                    shutdown.child_token(),
                )))
            }
            None => None,
        };
        let (reload_tx, reloads) = mpsc::channel(4);
        let signals = tokio::spawn(handle_signals(shutdown.clone(), config_path, reload_tx));
        let pinger = watchdog.map(|timeout| {
            tokio::spawn(daemon::watchdog(
                heartbeat.clone(),
                timeout,
                shutdown.child_token(),
            ))
        });
        // The database is migrated and the config valid: tell systemd we are up.
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
        let control = Control {
            shutdown: shutdown.clone(),
            reloads,
            heartbeat,
            stall_file,
        };
        let result = daemon::run(ctx, control).await;
        shutdown.cancel();
        signals.abort();
        if let Some(pinger) = pinger {
            pinger.abort();
        }
        if let Some(server) = server {
            server.abort();
        }
        result.context("running the scheduler")
    })?;
    // Jobs cancelled after the grace period may leave store calls on the blocking pool;
    // each is one transaction, so waiting briefly lets it commit or roll back whole.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Turns SIGTERM/SIGINT into the shutdown token (announcing STOPPING=1 at once, so systemd
/// knows the grace period has begun) and SIGHUP into a reloaded, validated config.
async fn handle_signals(
    shutdown: CancellationToken,
    config_path: PathBuf,
    reloads: mpsc::Sender<Config>,
) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        error!("cannot install signal handlers; only Ctrl-C stops the daemon");
        let _ = tokio::signal::ctrl_c().await;
        stopping(&shutdown);
        return;
    };
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                info!("interrupted");
                break;
            }
            _ = term.recv() => {
                info!("terminated");
                break;
            }
            _ = hup.recv() => {
                info!(config = %config_path.display(), "reloading the config");
                // systemd wants the monotonic time with RELOADING=1 to match it to the request.
                if let Ok(now) = sd_notify::NotifyState::monotonic_usec_now() {
                    let _ = sd_notify::notify(&[sd_notify::NotifyState::Reloading, now]);
                }
                match config::load(&config_path) {
                    Ok(config) => {
                        if reloads.send(config).await.is_err() {
                            break;
                        }
                    }
                    Err(err) => error!(error = %Chain(&err), "invalid config; keeping the running one"),
                }
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
            }
        }
    }
    stopping(&shutdown);
}

fn stopping(shutdown: &CancellationToken) {
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    shutdown.cancel();
}
