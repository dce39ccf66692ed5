//! `followup man`: prints the followup(1) man page in roff, generated from the clap
//! definition, with a section per subcommand.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory;

/// Arguments of `man` (none).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Writes the page to stdout, e.g. `followup man > /usr/local/share/man/man1/followup.1`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    let command = super::Cli::command();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(&mut page)
        .context("rendering the man page")?;
    man.render_name_section(&mut page)
        .context("rendering the man page")?;
    man.render_synopsis_section(&mut page)
        .context("rendering the man page")?;
    man.render_description_section(&mut page)
        .context("rendering the man page")?;
    man.render_options_section(&mut page)
        .context("rendering the man page")?;
    man.render_subcommands_section(&mut page)
        .context("rendering the man page")?;
    // Each command's own flags, which the overview above only names.
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name().to_string();
        writeln!(page, ".SH \"FOLLOWUP {}\"", name.to_uppercase())?;
        let sub = sub.clone().bin_name(format!("followup {name}"));
        let sub_man = clap_mangen::Man::new(sub);
        let mut section = Vec::new();
        sub_man
            .render_synopsis_section(&mut section)
            .context("rendering the man page")?;
        sub_man
            .render_options_section(&mut section)
            .context("rendering the man page")?;
        // Demote the sub-page's headings so they nest under the command's section.
        let text = String::from_utf8_lossy(&section).replace(".SH ", ".SS ");
        page.extend_from_slice(text.as_bytes());
    }
    man.render_version_section(&mut page)
        .context("rendering the man page")?;
    std::io::stdout()
        .lock()
        .write_all(&page)
        .context("writing the man page")?;
    Ok(ExitCode::SUCCESS)
}
