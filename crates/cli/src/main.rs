//! `plimsoll`: the command-line face of the Plimsoll Dockerfile analyzer.

mod parse_command;

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
    /// Parse Dockerfiles and print their syntax tree.
    Parse(parse_command::ParseArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse_command::run(&args),
    }
}
