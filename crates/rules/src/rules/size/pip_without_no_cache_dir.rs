use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::mounts::kept_out_targets;
use crate::rules::helpers::packages::{pip_arguments, pip_subcommand};
use plimsoll_parser::expand::Env;
use plimsoll_parser::shell::Command;
use plimsoll_parser::Instruction;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `pip3.12`, `python -m pip install`) without
    /// `--no-cache-dir`.
    ///
    /// The rule stays silent when pip's cache is disabled otherwise or kept out of the
    /// layer:
    /// - `PIP_NO_CACHE_DIR` is set to a non-empty value, by `ENV` or `ARG` in the stage (or
    ///   `ENV` in a stage it is built on), or in the RUN itself. pip disables the cache for
    ///   every value it accepts, `0`, `false` and `off` included: for backward
    ///   compatibility it reads the variable as "the option is given", whatever its value
    ///   (only an empty value is ignored);
    /// - the RUN has a cache or tmpfs mount for pip's cache (a target ending in
    ///   `.cache/pip` or `.cache`, or `/root`);
    /// - the command chooses a cache directory with `--cache-dir`;
    /// - the RUN removes the cache afterwards (`rm -rf /root/.cache/pip`, or `.cache`;
    ///   `pip cache purge`).
    ///
    /// `uv pip`, `pipx`, `pipenv` and `poetry` are other programs and are not checked, nor
    /// is a RUN registered with `ONBUILD`.
    ///
    /// ## Why
    /// pip keeps every package it downloads and every wheel it builds in its cache
    /// (`~/.cache/pip`). In an image that cache is never used again, but it stays in the
    /// layer: often tens of megabytes, and hundreds for packages like `torch`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM python:3.13-slim
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install flask
    /// ```
    ///
    /// ## Fix
    /// Adds `--no-cache-dir` after `install` (safe: only where pip keeps its cache
    /// changes).
    pub struct PipWithoutNoCacheDir {
        code: "DL3042",
        name: "pip-without-no-cache-dir",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["*"])],
    }
}

impl Rule for PipWithoutNoCacheDir {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let invocation = command.unwrapped();
        let Some(pip_args) = pip_arguments(&invocation) else {
            return;
        };
        let Some(install) = pip_subcommand(pip_args).filter(|w| w.as_str() == Some("install"))
        else {
            return;
        };
        if pip_args.iter().any(|w| {
            w.text.starts_with("--cache-dir") || w.as_str().is_some_and(abbreviates_no_cache_dir)
        }) {
            return;
        }
        // A word with a variable could be `--no-cache-dir`: look at its value when the
        // Dockerfile gives one, else stay silent.
        if pip_args
            .iter()
            .filter(|w| w.as_str().is_none() && w.text.trim_start_matches('"').starts_with('$'))
            .any(|w| {
                checker
                    .model
                    .expand_at(run.instruction, w.text.trim_matches('"'))
                    .is_none_or(|v| v.contains("--no-cache") || v.contains("--cache-dir"))
            })
        {
            return;
        }
        let instruction = checker.model.instruction(run.instruction);
        if has_pip_cache_mount(instruction)
            || no_cache_dir_set(checker, run, command)
            || cache_removed_later(checker, run, command)
        {
            return;
        }
        // Positions in a `<<-` heredoc body can be approximate: only edit where the word is.
        let exact = checker.text(install.range) == install.text;
        let diagnostic = checker.report(
            command.range,
            "`pip install` without `--no-cache-dir` leaves pip's cache in the layer",
        );
        if exact {
            diagnostic.set_fix(Fix::safe(
                "Add `--no-cache-dir` to `pip install`",
                vec![Edit::insert(install.range.end, " --no-cache-dir")],
            ));
        }
    }
}

/// Whether an argument is `--no-cache-dir` or an abbreviation optparse accepts
/// (`--no-cache`).
fn abbreviates_no_cache_dir(value: &str) -> bool {
    value.len() >= "--no-cache".len() && "--no-cache-dir".starts_with(value)
}

/// A cache or tmpfs mount where pip's cache would be.
fn has_pip_cache_mount(instruction: &Instruction) -> bool {
    kept_out_targets(instruction).any(|target| {
        let t = target.trim_end_matches('/');
        t.ends_with("/.cache/pip") || t.ends_with("/.cache") || t.contains("pip") || t == "/root"
    })
}

/// Whether the RUN removes pip's cache after the command: `rm -rf ~/.cache/pip` (or
/// `.cache`), `pip cache purge`.
fn cache_removed_later(checker: &Checker<'_>, run: &RunScript, command: &Command) -> bool {
    checker
        .model
        .runs_of(run.instruction)
        .flat_map(|script| script.script.commands())
        .filter(|c| c.range.start > command.range.start)
        .any(|c| {
            let invocation = c.unwrapped();
            if invocation.is("rm") {
                return invocation.args.iter().any(|word| {
                    let path = word
                        .text
                        .trim_matches(['"', '\''])
                        .trim_end_matches(['*', '/']);
                    path.ends_with(".cache") || path.ends_with(".cache/pip")
                });
            }
            pip_arguments(&invocation).is_some_and(|args| {
                let Some(cache) = pip_subcommand(args).filter(|w| w.as_str() == Some("cache"))
                else {
                    return false;
                };
                args.iter()
                    .skip_while(|w| !std::ptr::eq(*w, cache))
                    .skip(1)
                    .find(|w| !w.is_flag())
                    .is_some_and(|w| matches!(w.as_str(), Some("purge" | "remove")))
            })
        })
}

/// Whether `PIP_NO_CACHE_DIR` has a non-empty value for the command: from ENV/ARG, or
/// assigned in the RUN (before the command, by `export`, or by `env`).
fn no_cache_dir_set(checker: &Checker<'_>, run: &RunScript, command: &Command) -> bool {
    const NAME: &str = "PIP_NO_CACHE_DIR";
    if checker
        .model
        .variables_at(run.instruction)
        .get(NAME)
        .is_some_and(|v| !v.is_empty())
    {
        return true;
    }
    if command
        .assignments
        .iter()
        .any(|a| a.name == NAME && !a.value.text.is_empty())
    {
        return true;
    }
    // `export PIP_NO_CACHE_DIR=1`, `env PIP_NO_CACHE_DIR=1 pip …`, anywhere in the RUN.
    checker.model.runs_of(run.instruction).any(|script| {
        script
            .script
            .text()
            .match_indices("PIP_NO_CACHE_DIR=")
            .any(|(at, _)| {
                let rest = script
                    .script
                    .text()
                    .get(at + NAME.len() + 1..)
                    .unwrap_or("");
                !rest.is_empty()
                    && !rest.starts_with(char::is_whitespace)
                    && !rest.starts_with(";")
                    && !rest.starts_with("\"\"")
                    && !rest.starts_with("''")
            })
    })
}
