//! The `followup` binary: parse the command line, start logging, run the command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = followup::cli::Cli::parse();
    let chatter = followup::cli::Chatter::of(&cli.command);
    followup::cli::init_tracing(cli.verbose, chatter);
    match followup::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("followup: {}", followup::cli::describe(&err));
            ExitCode::from(2)
        }
    }
}

/// A closed pipe (`followup items | head`) is the reader's choice, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
