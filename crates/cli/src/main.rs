//! `plimsoll`: the command-line face of the Plimsoll Dockerfile analyzer.

mod check;
mod output;
mod parse_command;
mod rule_command;
mod walk;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rule(args) => rule_command::run_rule(&args),
        Command::Rules(args) => rule_command::run_rules(&args),
        Command::Parse(args) => parse_command::run(&args),
    }
}
