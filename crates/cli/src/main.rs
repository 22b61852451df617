//! `plimsoll`: the command-line face of the Plimsoll Dockerfile analyzer.

mod check;
mod context_cache;
mod output;
mod parse_command;
mod rule_command;
mod walk;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// Checking a file makes many small, short-lived allocations (syntax trees, shell words,
// findings): mimalloc serves them in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "plimsoll", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Dockerfiles for problems, and fix them.
    Check(check::CheckArgs),
    /// Print a rule's documentation.
    Rule(rule_command::RuleArgs),
    /// List every rule.
    Rules(rule_command::RulesArgs),
    /// Parse Dockerfiles and print their syntax tree.
    Parse(parse_command::ParseArgs),
    /// Run the language server (LSP over standard input and output) for editors.
    Server(ServerArgs),
}

#[derive(clap::Args)]
struct ServerArgs {
    /// Accepted for editors that pass it; standard input and output are the only transport.
    #[arg(long)]
    stdio: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rule(args) => rule_command::run_rule(&args),
        Command::Rules(args) => rule_command::run_rules(&args),
        Command::Parse(args) => parse_command::run(&args),
        Command::Server(_) => match plimsoll_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("plimsoll server: {error}");
                ExitCode::from(2)
            }
        },
    }
}
