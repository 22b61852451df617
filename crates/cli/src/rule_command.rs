//! `plimsoll rule CODE` and `plimsoll rules`: the rules' own documentation.

use clap::{Args, ValueEnum};
use plimsoll_rules::{all_metas, find_meta, RuleMeta};
use serde_json::json;
use std::path::{Path, PathBuf};
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
    /// Write the rule pages (`CODE.md`) and their index (`README.md`) to this directory,
    /// removing pages of rules that no longer exist (`docs/rules`).
    #[arg(long, hide = true, value_name = "DIR")]
    write_docs: Option<PathBuf>,
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
    // A BuildKit name can stand for several rules (MultipleInstructionsDisallowed is
    // DL3012, DL4003 and DL4004): print each.
    let mut named: Vec<&RuleMeta> = all_metas()
        .iter()
        .filter(|m| m.is_named(&args.rule))
        .collect();
    // ShellCheck's codes (`SC2086`) are rules too, made on demand.
    if named.is_empty() {
        named.extend(find_meta(&args.rule));
    }
    match named.as_slice() {
        [] => {
            eprintln!(
                "plimsoll: `{}` is not a rule code, name or alias (see `plimsoll rules`)",
                args.rule
            );
            ExitCode::from(2)
        }
        metas => {
            let pages: Vec<String> = metas.iter().map(|meta| page(meta)).collect();
            print!("{}", pages.join("\n"));
            ExitCode::SUCCESS
        }
    }
}

pub fn run_rules(args: &RulesArgs) -> ExitCode {
    if let Some(dir) = &args.write_docs {
        return match write_docs(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("plimsoll: {}: {error}", dir.display());
                ExitCode::from(2)
            }
        };
    }
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
        RulesFormat::Markdown => print!("{}", markdown_table()),
    }
    ExitCode::SUCCESS
}

/// Every rule as a Markdown table linking to the rule pages (`CODE.md`).
pub fn markdown_table() -> String {
    let mut out = String::from("| Code | Name | Category | Severity | Fix | Summary |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for m in all_metas() {
        out.push_str(&format!(
            "| [{}]({}.md) | {} | {} | {} | {:?} | {} |\n",
            m.code,
            m.code,
            m.name,
            m.category.as_str(),
            m.severity,
            m.fix,
            m.summary().replace('|', "\\|")
        ));
    }
    out
}

/// The index of the rule pages: `docs/rules/README.md`.
pub fn docs_index() -> String {
    format!(
        "# Rules\n\n\
         Every rule Plimsoll checks, with its code, default severity and whether `--fix` can \
         fix it. Each code links to the rule's page: what it checks, why, and how to fix it \
         (also printed by `plimsoll rule CODE`). Rules are chosen with `select`, \
         `extend-select` and `ignore` in `plimsoll.toml` or on the command line.\n\n\
         <!-- Generated by `plimsoll rules --write-docs docs/rules`: do not edit. -->\n\n{}",
        markdown_table()
    )
}

/// The files of the rule documentation: (file name, content), `README.md` first.
pub fn docs_files() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_string(), docs_index())];
    files.extend(
        all_metas()
            .iter()
            .map(|meta| (format!("{}.md", meta.code), page(meta))),
    );
    files
}

/// Whether a file name is a rule page's: `CODE.md`, with CODE letters then digits.
fn is_rule_page(name: &str) -> bool {
    let Some(code) = name.strip_suffix(".md") else {
        return false;
    };
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    letters > 0 && code.len() > letters && code[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// Writes [`docs_files`] to `dir` and removes the pages of rules that no longer exist.
fn write_docs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files = docs_files();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if is_rule_page(&name) && !files.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(dir.join(name.as_ref()))?;
        }
    }
    for (name, content) in &files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(path, content)?;
        }
    }
    Ok(())
}
