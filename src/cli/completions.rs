//! `followup completions SHELL`: prints a completion script generated from the clap
//! definition, so it always matches the commands and flags of this build.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;

use clap::CommandFactory;
use clap_complete::Shell;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for (bash, zsh, fish, elvish, powershell).
    #[arg(value_enum)]
    shell: Shell,
}

/// Writes the script to stdout, e.g. `followup completions bash > /etc/bash_completion.d/followup`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut command = super::Cli::command();
    // Generated into memory: clap_complete panics on a failed write, and `| head` is not a bug.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "followup", &mut script);
    std::io::stdout()
        .lock()
        .write_all(&script)
        .context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}
