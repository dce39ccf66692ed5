//! `followup run`: the daemon. Polls each feed on its schedule until SIGINT or SIGTERM, then
//! lets jobs in hand finish and exits 0.

use std::process::ExitCode;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::config::Config;
use crate::daemon;
use crate::pipeline::Context;
use crate::store::Store;

/// Arguments of `run` (none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the scheduler until a termination signal.
pub fn run(_args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    let ctx = Context::new(super::shared(config), store).context("setting up the HTTP client")?;
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        let signals = tokio::spawn(wait_for_signal(shutdown.clone()));
        // The database is migrated and the config valid: tell systemd we are up.
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
        let result = daemon::run(ctx, shutdown.clone()).await;
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
        signals.abort();
        result.context("running the scheduler")
    })?;
    info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            shutdown.cancel();
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => info!("interrupted"),
        _ = term.recv() => info!("terminated"),
    }
    shutdown.cancel();
}
