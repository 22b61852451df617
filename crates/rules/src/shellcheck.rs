//! Optional ShellCheck on RUN scripts.
//!
//! With [`Settings::shellcheck`](crate::Settings::shellcheck) on (`shellcheck = true` in
//! `plimsoll.toml`, `plimsoll check --shellcheck`) and a `shellcheck` program on `PATH`, every
//! RUN script is checked by ShellCheck, as hadolint does, and each finding becomes a
//! diagnostic with ShellCheck's code (`SC2086`) and level:
//!
//! - **Dialect**: the shell in effect at the RUN (SHELL, or hadolint's `# hadolint
//!   shell=NAME` pragma, also written `# plimsoll shell=NAME`), or the shebang of a heredoc
//!   script. `sh` and `busybox` are checked as `sh`, `bash` as `bash`, `dash` and `ash` as
//!   `dash`, `ksh` as `ksh`. Other shells (`zsh`, `pwsh`, `cmd` …) are not checked: ShellCheck
//!   does not know them.
//! - **Variables**: the ARG and ENV names visible at the RUN (ENVs of parent stages
//!   included) and BuildKit's predefined proxy ARGs are exported before the script, so
//!   ShellCheck does not report them as unassigned (SC2154).
//! - **Left out**: SC1090 and SC1091 (sourced files live in the image, never beside the
//!   Dockerfile) and SC2187 (ash is checked as dash), as hadolint leaves them out. ShellCheck
//!   reads no `.shellcheckrc`: the settings select and ignore `SC` codes like any other.
//! - **Positions**: ShellCheck's lines and columns (characters; a tab counts as one) are
//!   mapped back through the script's [`SourceMap`] to exact file ranges, across line
//!   continuations.
//! - **One process per script**, reading it on its standard input: nothing is written to
//!   disk. Results are remembered by exact script, so re-linting an edited file (`--fix`
//!   rounds, an editor) and the same RUN line in many Dockerfiles check it once.
//!
//! When `shellcheck` is missing or fails, the lint goes on without it: [`executable`] tells
//! whether it is there, [`take_failure`] what went wrong, so that a caller reports it once.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{BaseImage, ScriptSource, SemanticModel};
use crate::registry::{Category, FixAvailability, RuleMeta};
use crate::rules::helpers::images::{base_image, is_windows_image};
use plimsoll_parser::{Arguments, Keyword, SourceMap, TextRange};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// ShellCheck's checks that cannot be satisfied in a Dockerfile (see the module docs).
const EXCLUDED: &str = "SC1090,SC1091,SC2187";

/// How long one `shellcheck` run may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(60);

/// BuildKit's predefined build arguments, available in RUN without an ARG.
const PREDEFINED_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Lines written before each script: the shebang, then the exported variables.
const PREFIX_LINES: u32 = 2;

/// Remembered results: at most this many scripts, then the memory starts over.
const CACHE_LIMIT: usize = 4096;

/// The shell dialects ShellCheck knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Sh,
    Bash,
    Dash,
    Ksh,
}

impl Dialect {
    /// The dialect of a shell program (`/bin/bash`, `sh`, `C:\busybox.exe`), `None` for one
    /// ShellCheck does not check.
    fn of_program(program: &str) -> Option<Dialect> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        match name {
            "sh" | "busybox" => Some(Dialect::Sh),
            "bash" => Some(Dialect::Bash),
            "dash" | "ash" => Some(Dialect::Dash),
            "ksh" | "ksh93" | "mksh" | "pdksh" => Some(Dialect::Ksh),
            _ => None,
        }
    }

    fn shebang(self) -> &'static str {
        match self {
            Dialect::Sh => "#!/bin/sh",
            Dialect::Bash => "#!/bin/bash",
            Dialect::Dash => "#!/bin/dash",
            Dialect::Ksh => "#!/bin/ksh",
        }
    }
}

/// The `shellcheck` program on `PATH`, looked up once per process.
pub fn executable() -> Option<&'static Path> {
    static FOUND: LazyLock<Option<PathBuf>> = LazyLock::new(|| {
        let name = if cfg!(windows) {
            "shellcheck.exe"
        } else {
            "shellcheck"
        };
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(name))
            .find(|path| is_executable(path))
    });
    FOUND.as_deref()
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

static FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// What went wrong the first time `shellcheck` failed in this process since the last call
/// (it crashed, timed out or printed something unreadable); `None` when nothing did.
pub fn take_failure() -> Option<String> {
    lock(&FAILURE).take()
}

fn record_failure(message: String) {
    lock(&FAILURE).get_or_insert(message);
}

/// A lock that a panic elsewhere never makes unusable: the data is a cache or a message.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The number of a ShellCheck code (`SC2086`, any case), when `name` is one.
fn code_number(name: &str) -> Option<u16> {
    let name = name.trim();
    let digits = name
        .get(..2)
        .filter(|letters| letters.eq_ignore_ascii_case("SC"))
        .and_then(|_| name.get(2..))?;
    let number: u16 = digits
        .parse()
        .ok()
        .filter(|_| digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))?;
    (number >= 1000).then_some(number)
}

/// The metadata of a ShellCheck code (`SC2086`): every code is its own rule, named
/// `shellcheck`, enabled by default (it reports only when ShellCheck runs), in the
/// correctness category. Its severity is nominal: each finding has ShellCheck's level.
pub fn find_meta(name: &str) -> Option<&'static RuleMeta> {
    code_number(name).map(meta_of)
}

/// Whether `name` names ShellCheck codes, as a severity or suppression may: one code
/// (`SC2086`), or all of them (`shellcheck`).
pub fn names_some(name: &str) -> bool {
    code_number(name).is_some() || name.trim().eq_ignore_ascii_case(NAME)
}

/// Whether `meta` is a ShellCheck code's.
pub fn is_shellcheck(meta: &RuleMeta) -> bool {
    code_number(meta.code).is_some() && meta.name == NAME
}

const NAME: &str = "shellcheck";

fn meta_of(number: u16) -> &'static RuleMeta {
    // Built on first use and kept for the process: at most 9,000 codes exist.
    static METAS: LazyLock<Mutex<HashMap<u16, &'static RuleMeta>>> =
        LazyLock::new(Default::default);
    let mut metas = lock(&METAS);
    metas.entry(number).or_insert_with(|| {
        let code: &'static str = Box::leak(format!("SC{number}").into_boxed_str());
        let doc: &'static str = Box::leak(documentation(code).into_boxed_str());
        Box::leak(Box::new(RuleMeta {
            code,
            name: NAME,
            aliases: &[],
            category: Category::Correctness,
            severity: Severity::Warning,
            enabled_by_default: true,
            fix: FixAvailability::None,
            since: "0.1.0",
            targets: &[],
            doc,
        }))
    })
}

/// The address of a ShellCheck code's page in ShellCheck's wiki.
pub fn wiki_url(code: &str) -> String {
    format!("https://www.shellcheck.net/wiki/{code}")
}

fn documentation(code: &str) -> String {
    let url = wiki_url(code);
    format!(
        "## What it does\n\n\
         ShellCheck's check {code}, run on every RUN script when ShellCheck is enabled \
         (`plimsoll check --shellcheck`, or `shellcheck = true` in `plimsoll.toml`) and the \
         `shellcheck` program is installed.\n\n\
         ## Why\n\n\
         A RUN script is a shell script, with the same pitfalls. ShellCheck's wiki explains \
         this one: <{url}>.\n\n\
         ## Example\n\n\
         See <{url}>.\n\n\
         ## Fix\n\n\
         As the wiki says, or hide the finding with `# hadolint ignore={code}` (or \
         `# plimsoll ignore={code}`) above the instruction.\n"
    )
}

/// Whether a selector (`SC`, `SC2`, `SC2086`, `shellcheck`) selects ShellCheck codes.
pub fn selects_some(selector: &str) -> bool {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case(NAME) {
        return true;
    }
    let Some(digits) = selector
        .get(..2)
        .filter(|letters| letters.eq_ignore_ascii_case("SC"))
        .and_then(|_| selector.get(2..))
    else {
        return false;
    };
    digits.bytes().all(|b| b.is_ascii_digit())
        && match digits.len() {
            0 => true,
            1..=3 => !digits.starts_with('0'),
            4 => code_number(selector).is_some(),
            _ => false,
        }
}

/// One script as ShellCheck reads it.
#[derive(Debug)]
struct Input {
    /// The shebang and exported variables, then the script.
    text: String,
    /// The script's offsets (in `text`, after the prefix) mapped to the file.
    map: SourceMap,
    /// Where the script starts in `text`.
    script_start: usize,
}

/// One ShellCheck finding, as read from its `json1` output.
#[derive(Clone, Debug, Deserialize)]
struct Finding {
    line: u32,
    #[serde(rename = "endLine")]
    end_line: u32,
    column: u32,
    #[serde(rename = "endColumn")]
    end_column: u32,
    level: String,
    code: u16,
    message: String,
}

#[derive(Deserialize)]
struct Report {
    comments: Vec<Finding>,
}

/// Runs ShellCheck on the RUN scripts of `model`; `None` when it did not run (no program,
/// or it failed: see [`take_failure`]).
pub(crate) fn check(model: &SemanticModel, source: &str) -> Option<Vec<Diagnostic>> {
    let program = executable()?;
    let inputs = inputs(model, source);
    let results = results(program, &inputs)?;
    let mut diagnostics = Vec::new();
    for (input, findings) in inputs.iter().zip(&results) {
        diagnostics.extend(findings.iter().filter_map(|f| to_diagnostic(input, f)));
    }
    Some(diagnostics)
}

type Cache = HashMap<String, Vec<Finding>>;

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

/// The findings of each input, from the cache or from `shellcheck`.
fn results(program: &Path, inputs: &[Input]) -> Option<Vec<Vec<Finding>>> {
    let mut results: Vec<Option<Vec<Finding>>> = {
        let cache = lock(&CACHE);
        inputs.iter().map(|i| cache.get(&i.text).cloned()).collect()
    };
    let missing: Vec<usize> = (0..inputs.len())
        .filter(|&i| results[i].is_none())
        .collect();
    if !missing.is_empty() {
        let texts: Vec<&str> = missing.iter().map(|&i| inputs[i].text.as_str()).collect();
        let found = match run(program, &texts) {
            Ok(found) => found,
            Err(message) => {
                record_failure(message);
                return None;
            }
        };
        let mut cache = lock(&CACHE);
        if cache.len() + missing.len() > CACHE_LIMIT {
            cache.clear();
        }
        for (&index, findings) in missing.iter().zip(found) {
            cache.insert(inputs[index].text.clone(), findings.clone());
            results[index] = Some(findings);
        }
    }
    Some(results.into_iter().map(Option::unwrap_or_default).collect())
}

/// Runs `shellcheck` on each of `texts`; the findings of each.
fn run(program: &Path, texts: &[&str]) -> Result<Vec<Vec<Finding>>, String> {
    texts.iter().map(|text| run_one(program, text)).collect()
}

/// Runs `shellcheck` on `text`, given on its standard input: nothing is written to disk.
fn run_one(program: &Path, text: &str) -> Result<Vec<Finding>, String> {
    let failed = |what: &str, error: &dyn std::fmt::Display| format!("ShellCheck {what}: {error}");
    let mut child = Command::new(program)
        .args(["--norc", "--format=json1", "--severity=style"])
        .arg(format!("--exclude={EXCLUDED}"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(&format!("could not run `{}`", program.display()), &e))?;
    // Both outputs are drained while the script is written and the process waited for, so
    // that neither a long script nor a large report can block on a full pipe.
    let report = drain(child.stdout.take());
    let errors = drain(child.stderr.take());
    if let Some(mut stdin) = child.stdin.take() {
        // A write error means ShellCheck stopped early: its status and errors tell why.
        let _ = stdin.write_all(text.as_bytes());
    }
    let status = wait(&mut child).map_err(|e| failed("failed", &e))?;
    let report = report.join().unwrap_or_default();
    let errors = errors.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(format!(
            "ShellCheck took more than {} s on one script and was stopped",
            TIMEOUT.as_secs()
        ));
    };
    // 0: no findings, 1: findings; anything else is ShellCheck's own failure.
    if !matches!(status.code(), Some(0 | 1)) {
        let mut message = format!("`{}` failed ({status})", program.display());
        if let Some(first) = errors.lines().find(|l| !l.trim().is_empty()) {
            message.push_str(": ");
            message.push_str(first.trim());
        }
        return Err(message);
    }
    let report: Report = serde_json::from_str(&report)
        .map_err(|e| failed("printed a report that is not its JSON", &e))?;
    Ok(report.comments)
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            // What could be read before an error is all there is.
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// Waits for `child` up to [`TIMEOUT`]; `None` when it was stopped.
fn wait(child: &mut std::process::Child) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            // It may have exited in between: the kill then fails harmlessly.
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        // Short pauses: a run takes tens of milliseconds, and each pause adds to it.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// The scripts of `model` that ShellCheck can check, as it will read them.
fn inputs(model: &SemanticModel, source: &str) -> Vec<Input> {
    let shells = shells_of_runs(model);
    let mut inputs = Vec::new();
    for run in &model.runs {
        let Some(shell) = shells.get(&run.instruction) else {
            continue;
        };
        let instruction = model.instruction(run.instruction);
        let (script, map, dialect) = match run.source {
            ScriptSource::Heredoc(_) => {
                let text = run.script.text();
                // A heredoc script runs as a file: its shebang, when it has one, decides.
                let dialect = match shebang_program(text) {
                    Some(program) => Dialect::of_program(program),
                    None => Dialect::of_program(shell),
                };
                (
                    without_shebang(text),
                    run.script.source_map().clone(),
                    dialect,
                )
            }
            ScriptSource::CommandLine if instruction.heredocs.is_empty() => (
                run.script.text().to_string(),
                run.script.source_map().clone(),
                Dialect::of_program(shell),
            ),
            ScriptSource::CommandLine => {
                // The heredocs are the script (`RUN <<EOF`): checked on their own, or not
                // at all when their shebang names another language.
                let heredoc_scripts = model
                    .runs_of(run.instruction)
                    .any(|r| matches!(r.source, ScriptSource::Heredoc(_)));
                if heredoc_scripts || run.script.commands().all(|c| c.name.is_none()) {
                    continue;
                }
                let Some((text, map)) = with_heredocs(run, instruction, source) else {
                    continue;
                };
                (text, map, Dialect::of_program(shell))
            }
        };
        let Some(dialect) = dialect else { continue };
        let mut text = String::with_capacity(script.len() + 64);
        text.push_str(dialect.shebang());
        text.push('\n');
        text.push_str("export");
        for name in visible_variables(model, run.instruction) {
            text.push(' ');
            text.push_str(&name);
            text.push_str("=1");
        }
        text.push('\n');
        let script_start = text.len();
        text.push_str(&script);
        inputs.push(Input {
            text,
            map,
            script_start,
        });
    }
    inputs
}

/// A RUN command line with the heredocs it reads (`RUN cat <<EOF > /f`), as the shell gets
/// them: the line, then the file text from its end to the last terminator.
fn with_heredocs(
    run: &crate::model::RunScript,
    instruction: &plimsoll_parser::Instruction,
    source: &str,
) -> Option<(String, SourceMap)> {
    let mut map = run.script.source_map().clone();
    let mut line_end = map.to_source(map.len());
    let first_body = instruction.heredocs.first()?.body_range.start;
    let end = instruction.heredocs.last()?.terminator_range?.end;
    let between = source.get(line_end as usize..first_body as usize)?;
    if !between.trim().is_empty() {
        return None;
    }
    // The line's own carriage return is not part of the command (the heredoc bodies keep
    // theirs, as BuildKit does).
    if between.starts_with("\r\n") {
        line_end += 1;
    }
    let tail = source.get(line_end as usize..end as usize)?;
    map.push(line_end, end - line_end);
    Some((format!("{}{tail}", run.script.text()), map))
}

/// The program a script's shebang names (`bash` for `#!/usr/bin/env bash`).
fn shebang_program(script: &str) -> Option<&str> {
    let first = script.lines().next()?.trim_start_matches('\t');
    let mut words = first.strip_prefix("#!")?.split_whitespace();
    let program = words.next()?;
    if program.ends_with("/env") {
        words.find(|w| !w.starts_with('-'))
    } else {
        Some(program)
    }
}

/// The script with its shebang turned into a comment of the same length: the shebang of
/// the input is ours, and ShellCheck warns about a second one.
fn without_shebang(script: &str) -> String {
    let tabs = script.len() - script.trim_start_matches('\t').len();
    if script[tabs..].starts_with("#!") {
        format!("{}# {}", &script[..tabs], &script[tabs + 2..])
    } else {
        script.to_string()
    }
}

/// The shell program in effect at each RUN of `model`: SHELL instructions and hadolint's
/// `# hadolint shell=NAME` pragma (before the first FROM: the default of every stage; in a
/// stage: from there on), stages built on another stage starting from its shell. Without
/// either, a Windows image (or a file written for one, with the `` ` `` escape) runs `cmd`.
fn shells_of_runs(model: &SemanticModel) -> HashMap<usize, String> {
    let mut pragmas = model
        .file
        .comments
        .iter()
        .filter(|c| !c.in_continuation)
        .filter_map(|c| Some((c.range.start, shell_pragma(&c.text)?)))
        .peekable();
    let mut default: Option<String> = None;
    let mut current: Option<String> = None;
    let mut stage_ends: Vec<String> = Vec::new();
    let mut out = HashMap::new();
    for (id, instruction) in model.file.instructions.iter().enumerate() {
        while let Some((_, shell)) = pragmas.next_if(|(at, _)| *at < instruction.range.start) {
            match &mut current {
                Some(current) => *current = shell.to_string(),
                None => default = Some(shell.to_string()),
            }
        }
        match instruction.keyword {
            Keyword::From => {
                stage_ends.extend(current.take());
                let stage = model.stage_of(id);
                let parent = match stage.map(|s| &s.base) {
                    Some(BaseImage::Stage(parent)) => stage_ends.get(*parent).cloned(),
                    _ => None,
                };
                let windows = model.file.escape == '`'
                    || stage
                        .and_then(|stage| base_image(model, stage))
                        .is_some_and(|image| is_windows_image(&image));
                let platform_shell = if windows { "cmd" } else { "/bin/sh" };
                current = Some(
                    parent
                        .or_else(|| default.clone())
                        .unwrap_or_else(|| platform_shell.to_string()),
                );
            }
            Keyword::Shell => {
                if let (Some(current), Arguments::Exec(words)) = (&mut current, &instruction.args) {
                    if let Some(program) = words.first() {
                        *current = program.value.clone();
                    }
                }
            }
            Keyword::Run => {
                if let Some(current) = &current {
                    out.insert(id, current.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// The shell a `hadolint shell=NAME` or `plimsoll shell=NAME` comment names (the text after
/// `#`).
fn shell_pragma(comment: &str) -> Option<&str> {
    let rest = ["hadolint", "plimsoll"]
        .into_iter()
        .find_map(|tool| comment.strip_prefix(tool))?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let value = rest.trim_start().strip_prefix("shell")?.trim_start();
    let name = value.strip_prefix('=')?.split_whitespace().next()?;
    Some(name)
}

/// The variable names a RUN at `id` sees: BuildKit's predefined ARGs, the ENVs of the
/// stages its stage is built on, and the ARGs and ENVs its stage declares before it; only
/// names a shell can assign.
fn visible_variables(model: &SemanticModel, id: usize) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = PREDEFINED_ARGS.iter().map(|s| s.to_string()).collect();
    let Some(stage) = model.stage_of(id) else {
        return names;
    };
    let mut parent = &stage.base;
    let mut hops = 0;
    while let BaseImage::Stage(index) = parent {
        let Some(ancestor) = model
            .stages
            .get(*index)
            .filter(|_| hops < model.stages.len())
        else {
            break;
        };
        names.extend(
            ancestor
                .variables
                .iter()
                .filter(|v| v.is_env)
                .map(|v| v.name.clone()),
        );
        parent = &ancestor.base;
        hops += 1;
    }
    names.extend(
        stage
            .variables
            .iter()
            .take_while(|v| v.instruction < id)
            .map(|v| v.name.clone()),
    );
    names.retain(|name| is_shell_name(name));
    names
}

fn is_shell_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A finding in the script as a diagnostic at its file range; `None` for one in the prefix.
fn to_diagnostic(input: &Input, finding: &Finding) -> Option<Diagnostic> {
    let script = input.text.get(input.script_start..)?;
    let line = finding.line.checked_sub(PREFIX_LINES + 1)?;
    let start = script_offset(script, line, finding.column);
    let end_line = finding.end_line.saturating_sub(PREFIX_LINES + 1).max(line);
    let end = script_offset(script, end_line, finding.end_column).max(start);
    let range = input.map.range_to_source(TextRange::from_usize(start, end));
    let mut diagnostic = Diagnostic::new(meta_of(finding.code), range, finding.message.clone());
    diagnostic.severity = Severity::parse(&finding.level).unwrap_or(Severity::Warning);
    Some(diagnostic)
}

/// The byte offset of ShellCheck's 0-based `line` and 1-based `column` (in characters) in
/// `script`, clamped to the line's end and the script's end.
fn script_offset(script: &str, line: u32, column: u32) -> usize {
    let mut line_start = 0;
    for _ in 0..line {
        match script[line_start..].find('\n') {
            Some(at) => line_start += at + 1,
            None => return script.len(),
        }
    }
    let line_text = &script[line_start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let skip = column.saturating_sub(1) as usize;
    line_start
        + line_text
            .char_indices()
            .nth(skip)
            .map_or(line_text.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SemanticModel;

    fn model(text: &str) -> SemanticModel {
        SemanticModel::new(plimsoll_parser::parse(text))
    }

    /// The ShellCheck inputs of `text`, prefixes left out: (first line, script).
    fn scripts(text: &str) -> Vec<(String, String)> {
        inputs(&model(text), text)
            .into_iter()
            .map(|i| {
                let first = i.text.lines().next().unwrap_or("").to_string();
                (first, i.text[i.script_start..].to_string())
            })
            .collect()
    }

    #[test]
    fn codes_and_selectors() {
        assert_eq!(code_number("SC2086"), Some(2086));
        assert_eq!(code_number(" sc1000 "), Some(1000));
        for not_a_code in [
            "SC", "SC999", "SC0999", "SC20866", "SC20a6", "DL3008", "SC+123",
        ] {
            assert_eq!(code_number(not_a_code), None, "{not_a_code}");
        }
        for selector in [
            "SC",
            "sc2",
            "SC20",
            "SC208",
            "SC2086",
            "shellcheck",
            "ShellCheck",
        ] {
            assert!(selects_some(selector), "{selector}");
        }
        for selector in [
            "S", "SC0", "SC02", "SC0999", "SC20861", "SCX", "DL3008", "shell",
        ] {
            assert!(!selects_some(selector), "{selector}");
        }
    }

    #[test]
    fn each_code_has_one_meta() {
        let meta = find_meta("sc2086").unwrap();
        assert!(std::ptr::eq(meta, find_meta("SC2086").unwrap()));
        assert_eq!((meta.code, meta.name), ("SC2086", "shellcheck"));
        assert!(is_shellcheck(meta) && meta.enabled_by_default);
        assert!(meta.is_named("SC2086") && meta.is_named("shellcheck"));
        assert!(meta.summary().starts_with("ShellCheck's check SC2086"));
        assert!(meta
            .documentation()
            .contains("https://www.shellcheck.net/wiki/SC2086"));
        assert!(find_meta("SC20").is_none());
        assert!(names_some("SC2086") && names_some("shellcheck") && !names_some("SC20"));
        assert!(!is_shellcheck(crate::find_meta("DL3008").unwrap()));
    }

    #[test]
    fn dialects_of_programs() {
        let cases = [
            ("/bin/sh", Some(Dialect::Sh)),
            ("busybox", Some(Dialect::Sh)),
            ("/usr/bin/bash", Some(Dialect::Bash)),
            ("ash", Some(Dialect::Dash)),
            ("/bin/dash", Some(Dialect::Dash)),
            ("mksh", Some(Dialect::Ksh)),
            ("zsh", None),
            ("pwsh", None),
            ("powershell", None),
            ("cmd", None),
            (r"C:\Windows\System32\cmd.exe", None),
        ];
        for (program, dialect) in cases {
            assert_eq!(Dialect::of_program(program), dialect, "{program}");
        }
    }

    #[test]
    fn shell_pragmas() {
        assert_eq!(shell_pragma("hadolint shell=bash"), Some("bash"));
        assert_eq!(
            shell_pragma("plimsoll shell = powershell # windows"),
            Some("powershell")
        );
        assert_eq!(shell_pragma("hadolint: shell=/bin/ash"), Some("/bin/ash"));
        for other in [
            "hadolint ignore=SC2086",
            "hadolintshell=bash",
            "shell=bash",
            "hadolint shell=",
        ] {
            assert_eq!(shell_pragma(other), None, "{other}");
        }
    }

    #[test]
    fn dialect_follows_shell_pragmas_and_stages() {
        let text = "# hadolint shell=bash\n\
                    FROM alpine AS base\n\
                    RUN one\n\
                    SHELL [\"/bin/ash\", \"-c\"]\n\
                    RUN two\n\
                    FROM base\n\
                    RUN three\n\
                    # plimsoll shell=powershell\n\
                    RUN four\n\
                    FROM alpine\n\
                    RUN five\n\
                    SHELL [\"/bin/zsh\", \"-c\"]\n\
                    RUN six\n";
        let pair = |shebang: &str, script: &str| (shebang.to_string(), script.to_string());
        assert_eq!(
            scripts(text),
            [
                pair("#!/bin/bash", "one"),
                pair("#!/bin/dash", "two"),
                pair("#!/bin/dash", "three"),
                pair("#!/bin/bash", "five"),
            ]
        );
        // Windows runs `cmd` unless told otherwise.
        let windows = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n\
                       FROM mcr.microsoft.com/windows/servercore:ltsc2022\n\
                       SHELL [\"bash\", \"-c\"]\nRUN ls\n";
        assert_eq!(scripts(windows), [pair("#!/bin/bash", "ls")]);
        assert!(scripts("# escape=`\nFROM $BASE\nRUN dir\n").is_empty());
    }

    #[test]
    fn visible_variables_follow_buildkit_scoping() {
        let text = "ARG GLOBAL=1\n\
                    FROM alpine AS base\n\
                    ARG base_arg\n\
                    ENV BASE_ENV=1 bad-name=2\n\
                    FROM base\n\
                    ARG own=1\n\
                    RUN echo\n\
                    ENV LATER=1\n";
        let model = model(text);
        let run = model.runs[0].instruction;
        let names = visible_variables(&model, run);
        assert!(names.contains("BASE_ENV") && names.contains("own"));
        assert!(names.contains("HTTP_PROXY") && names.contains("no_proxy"));
        for absent in ["GLOBAL", "base_arg", "bad-name", "LATER"] {
            assert!(!names.contains(absent), "{absent}");
        }
        let input = &inputs(&model, text)[0];
        let expected = "#!/bin/sh\nexport ALL_PROXY=1 BASE_ENV=1 FTP_PROXY=1 HTTPS_PROXY=1 \
                        HTTP_PROXY=1 NO_PROXY=1 all_proxy=1 ftp_proxy=1 http_proxy=1 \
                        https_proxy=1 no_proxy=1 own=1\necho";
        assert_eq!(input.text, expected);
    }

    #[test]
    fn heredocs_are_checked_as_the_shell_gets_them() {
        let text = "FROM alpine\n\
                    RUN <<EOF\n#!/usr/bin/env bash\necho $x\nEOF\n\
                    RUN <<EOF\n#!/usr/bin/env python3\nprint('$x')\nEOF\n\
                    RUN cat <<EOF > /f && \\\n  echo done\n$y\nEOF\n";
        assert_eq!(
            scripts(text),
            [
                (
                    "#!/bin/bash".to_string(),
                    "# /usr/bin/env bash\necho $x\n".to_string()
                ),
                (
                    "#!/bin/sh".to_string(),
                    "cat <<EOF > /f &&   echo done\n$y\nEOF".to_string()
                ),
            ]
        );
        // With CRLF line breaks the bodies keep their carriage returns, as BuildKit's do.
        let crlf = "FROM alpine\r\nRUN cat <<EOF > /f\r\n$y\r\nEOF\r\n";
        assert_eq!(scripts(crlf)[0].1, "cat <<EOF > /f\n$y\r\nEOF");
    }

    #[test]
    fn positions_map_to_the_file() {
        let text = "FROM alpine\nRUN apt-get update && \\\n    echo \"é\" $HOME_dir\n";
        let model = model(text);
        let input = &inputs(&model, text)[0];
        let script = &input.text[input.script_start..];
        let column = script[..script.find('$').unwrap()].chars().count() as u32 + 1;
        let finding = Finding {
            line: 3,
            end_line: 3,
            column,
            end_column: column + 9,
            level: "info".into(),
            code: 2086,
            message: "Double quote to prevent globbing and word splitting.".into(),
        };
        let diagnostic = to_diagnostic(input, &finding).unwrap();
        assert_eq!(&text[diagnostic.range.as_usize()], "$HOME_dir");
        assert_eq!(
            (diagnostic.code, diagnostic.severity),
            ("SC2086", Severity::Info)
        );
        // Findings in the prefix are dropped; positions past the end are clamped.
        assert!(to_diagnostic(
            input,
            &Finding {
                line: 2,
                ..finding.clone()
            }
        )
        .is_none());
        let past = Finding {
            end_line: 9,
            end_column: 99,
            ..finding
        };
        let range = to_diagnostic(input, &past).unwrap().range;
        assert_eq!(&text[range.as_usize()], "$HOME_dir");
    }

    #[test]
    fn script_offsets_count_characters() {
        let script = "a\tb\né $x\n";
        assert_eq!(script_offset(script, 0, 1), 0);
        assert_eq!(script_offset(script, 0, 3), 2);
        assert_eq!(script_offset(script, 0, 9), 3);
        assert_eq!(script_offset(script, 1, 3), 7);
        assert_eq!(script_offset(script, 5, 1), script.len());
    }

    /// Runs the real program; skipped (loudly) without it.
    #[test]
    fn shellcheck_reports_at_exact_positions() {
        if executable().is_none() {
            eprintln!("SKIPPED: `shellcheck` is not on PATH");
            return;
        }
        // `version` is declared: neither unassigned (SC2154) nor split (SC2086).
        let text = "FROM alpine\nARG version\nRUN echo $version $other && \\\n    cd /x\n";
        let found = check(&model(text), text).expect("shellcheck ran");
        let mut summary: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.code, &text[d.range.as_usize()]))
            .collect();
        summary.sort_by_key(|(code, at)| (text.find(at), *code));
        assert_eq!(
            summary,
            [
                ("SC2086", "$other"),
                ("SC2154", "$other"),
                ("SC2164", "cd /x"),
            ]
        );
        let unassigned = found.iter().find(|d| d.code == "SC2154").unwrap();
        assert_eq!(unassigned.severity, Severity::Warning);
        assert_eq!(unassigned.message, "other is referenced but not assigned.");
        // The second time, the result comes from memory.
        assert_eq!(check(&model(text), text).unwrap(), found);
    }
}
