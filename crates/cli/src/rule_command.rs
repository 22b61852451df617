//! `plimsoll rule CODE` and `plimsoll rules`: the rules' own documentation.

use clap::{Args, ValueEnum};
use plimsoll_rules::{all_metas, find_meta, RuleMeta};
use serde_json::json;
use std::process::ExitCode;

#[derive(Args)]
pub struct RuleArgs {
    /// A rule code, name or alias (`DL3019`, `apk-add-without-no-cache`).
    rule: String,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    /// One line per rule.
    Text,
    /// A JSON array of rule metadata.
    Json,
    /// A Markdown table.
    Markdown,
}

/// The header line of a rule's page.
pub fn title(meta: &RuleMeta) -> String {
    format!("{} {}", meta.code, meta.name)
}

/// A rule's page: title, metadata and its documentation.
pub fn page(meta: &RuleMeta) -> String {
    let mut out = format!("# {}\n\n", title(meta));
    out.push_str(&format!(
        "- Category: {}\n- Default severity: {}\n- Enabled by default: {}\n- Fix: {}\n",
        meta.category.as_str(),
        meta.severity,
        if meta.enabled_by_default { "yes" } else { "no" },
        match meta.fix {
            plimsoll_rules::registry::FixAvailability::None => "none",
            plimsoll_rules::registry::FixAvailability::Sometimes => "sometimes",
            plimsoll_rules::registry::FixAvailability::Always => "always",
        }
    ));
    if !meta.aliases.is_empty() {
        out.push_str(&format!("- Also known as: {}\n", meta.aliases.join(", ")));
    }
    out.push_str(&format!("- Since: {}\n\n", meta.since));
    out.push_str(&meta.documentation());
    out
}

pub fn run_rule(args: &RuleArgs) -> ExitCode {
    match find_meta(&args.rule) {
        Some(meta) => {
            print!("{}", page(meta));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "plimsoll: `{}` is not a rule code, name or alias (see `plimsoll rules`)",
                args.rule
            );
            ExitCode::from(2)
        }
    }
}

pub fn run_rules(args: &RulesArgs) -> ExitCode {
    let metas = all_metas();
    match args.format {
        RulesFormat::Text => {
            for meta in metas {
                println!(
                    "{:<7} {:<40} {:<8} {}",
                    meta.code,
                    meta.name,
                    meta.severity.as_str(),
                    meta.summary()
                );
            }
        }
        RulesFormat::Json => {
            let items: Vec<_> = metas
                .iter()
                .map(|m| {
                    json!({
                        "code": m.code, "name": m.name, "aliases": m.aliases,
                        "category": m.category, "severity": m.severity,
                        "enabled_by_default": m.enabled_by_default, "fix": m.fix,
                        "since": m.since, "summary": m.summary(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&items).unwrap_or_default()
            );
        }
        RulesFormat::Markdown => {
            println!("| Code | Name | Category | Severity | Fix | Summary |");
            println!("|---|---|---|---|---|---|");
            for m in metas {
                println!(
                    "| [{}]({}.md) | {} | {} | {} | {:?} | {} |",
                    m.code,
                    m.code,
                    m.name,
                    m.category.as_str(),
                    m.severity,
                    m.fix,
                    m.summary().replace('|', "\\|")
                );
            }
        }
    }
    ExitCode::SUCCESS
}
