//! The ratatui console (built in the console issue). Until it lands, these entry points say so.

use crate::cli::Target;
use crate::cli::args::{Cli, DemoArgs};

pub struct ConsoleOptions {
    pub read_only: bool,
    pub no_color: bool,
    pub mouse: bool,
}

impl ConsoleOptions {
    pub fn from_cli(cli: &Cli) -> ConsoleOptions {
        ConsoleOptions {
            read_only: cli.read_only,
            no_color: cli.no_color || std::env::var_os("NO_COLOR").is_some(),
            mouse: cli.mouse,
        }
    }
    pub fn from_cli_parts(read_only: bool, no_color: bool) -> ConsoleOptions {
        ConsoleOptions {
            read_only,
            no_color,
            mouse: false,
        }
    }
}

pub fn run_terminal(_target: &Target, _opts: &ConsoleOptions) -> anyhow::Result<()> {
    anyhow::bail!("the console is not built yet; use the CLI commands (tworg --help)")
}

pub fn render_headless(
    _target: &Target,
    _opts: &ConsoleOptions,
    _keys: &str,
    _size: &str,
    _save: bool,
) -> anyhow::Result<String> {
    anyhow::bail!("the console is not built yet")
}

pub fn demo_cli(_args: &DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("walkthroughs are not built yet")
}
