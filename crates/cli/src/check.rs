//! `plimsoll check`: lint Dockerfiles, print the findings, optionally fix them.

use crate::context_cache::SharedContexts;
use crate::output::{self, FileReport, Format, RenderOptions, Tally};
use crate::walk::{self, Target};
use clap::{Args, ValueEnum};
use plimsoll_rules::diagnostic::Applicability;
use plimsoll_rules::{apply_fixes, find_meta, lint, Diagnostic, LintOptions, Settings, Severity};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Dockerfiles or directories to check (`-` reads standard input). Default: `.`.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, env = "PLIMSOLL_FORMAT")]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Apply safe fixes to the files.
    #[arg(long, env = "PLIMSOLL_FIX")]
    fix: bool,
    /// Also apply unsafe fixes (with --fix or --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Show what --fix would change as a unified diff, without writing; exit 1 if anything
    /// would change.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// The configuration file to use (`plimsoll.toml` or `.hadolint.yaml`) instead of the
    /// one found upward from each Dockerfile.
    #[arg(long, env = "PLIMSOLL_CONFIG")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
    /// The build context directory (default: each Dockerfile's directory).
    #[arg(long, env = "PLIMSOLL_CONTEXT")]
    context: Option<PathBuf>,
    /// The name shown for standard input, also used to find its build context.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Rules to run (codes, names, aliases, prefixes, categories or ALL), replacing the
    /// defaults.
    #[arg(long, value_delimiter = ',', value_parser = parse_selector, env = "PLIMSOLL_SELECT")]
    select: Vec<String>,
    /// Rules to run in addition.
    #[arg(long, value_delimiter = ',', value_parser = parse_selector)]
    extend_select: Vec<String>,
    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_parser = parse_selector, env = "PLIMSOLL_IGNORE")]
    ignore: Vec<String>,
    /// Severity overrides, `CODE=level`.
    #[arg(long, value_parser = parse_severity_override)]
    severity: Vec<(String, Severity)>,
    /// Exit 1 only for findings at or above this severity (`none`: never).
    #[arg(long, value_parser = parse_threshold, env = "PLIMSOLL_FAILURE_THRESHOLD")]
    failure_threshold: Option<Threshold>,
    /// Always exit 0 when the files could be checked.
    #[arg(long)]
    no_fail: bool,
    /// Also check RUN scripts with ShellCheck (the `shellcheck` program on PATH).
    #[arg(long)]
    shellcheck: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print only the findings.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Threshold {
    At(Severity),
    Never,
}

fn parse_threshold(value: &str) -> Result<Threshold, String> {
    if value.eq_ignore_ascii_case("none") {
        return Ok(Threshold::Never);
    }
    Severity::parse(value)
        .map(Threshold::At)
        .ok_or_else(|| format!("`{value}` is not one of error, warning, info, style, none"))
}

/// A rule selector given on the command line: unlike in a configuration file (where an
/// unknown name is a warning, so that a file can name rules of a newer version), a selector
/// that selects no rule is a usage error, so that a typo does not silently check nothing.
fn parse_selector(value: &str) -> Result<String, String> {
    let selector = value.trim();
    if plimsoll_rules::settings::selects_any(selector) {
        Ok(selector.to_string())
    } else {
        Err(format!(
            "`{value}` selects no rule (see `plimsoll rules` for codes and names)"
        ))
    }
}

fn parse_severity_override(value: &str) -> Result<(String, Severity), String> {
    let (code, level) = value
        .split_once('=')
        .ok_or_else(|| format!("`{value}` is not CODE=level"))?;
    if find_meta(code).is_none() {
        return Err(format!("`{code}` is not a known rule"));
    }
    let severity = Severity::parse(level)
        .ok_or_else(|| format!("`{level}` is not one of error, warning, info, style"))?;
    Ok((code.to_string(), severity))
}

/// What happened to one file.
struct Checked {
    report: FileReport,
    /// Whether a finding fails the run under the file's settings.
    failing: bool,
    /// The fixed text, when fixing changed it.
    fixed: Option<String>,
    /// The text as read, when fixing changed it: the file is only replaced if it still
    /// holds this text.
    original: Option<String>,
    fixes_applied: usize,
    created_files: Vec<(PathBuf, String)>,
    /// Whether this is standard input.
    stdin: bool,
}

/// Exit codes: 0 nothing at or above the threshold, 1 findings (or changes with --diff),
/// 2 usage, configuration or I/O errors.
pub fn run(args: &CheckArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (targets, walk_errors) = walk::collect(&paths);
    let mut io_error = !walk_errors.is_empty();
    for (path, error) in &walk_errors {
        eprintln!("plimsoll: {path}: {error}");
    }
    let stdin_text = if targets.contains(&Target::Stdin) {
        let mut bytes = Vec::new();
        // One byte more than the limit is enough to know the text is too large.
        match io::stdin()
            .take(MAX_DOCKERFILE_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            Ok(_) => Some(bytes),
            Err(error) => {
                eprintln!("plimsoll: standard input: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let fix_level = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let fixing = args.fix || args.diff;
    let configs = match Configs::load(args, &targets) {
        Ok(configs) => configs,
        Err(error) => {
            eprintln!("plimsoll: {error}");
            return ExitCode::from(2);
        }
    };
    let shellcheck_wanted = targets
        .iter()
        .any(|target| configs.for_target(target, args).shellcheck);
    if shellcheck_wanted && plimsoll_rules::shellcheck::executable().is_none() {
        // Once, not per file: the files are still checked, without ShellCheck.
        eprintln!(
            "plimsoll: warning: ShellCheck is enabled but `shellcheck` is not on PATH: RUN \
             scripts are not checked by it (see https://github.com/koalaman/shellcheck#installing)"
        );
    }
    // With the fixed standard input on standard output, the report goes to standard error.
    let report_to_stderr =
        args.fix && args.output.is_none() && targets.iter().any(|t| matches!(t, Target::Stdin));
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && if report_to_stderr {
                    io::stderr().is_terminal()
                } else {
                    io::stdout().is_terminal()
                }
        }
    };
    // Dockerfiles of one folder share its build context, read once.
    let contexts = SharedContexts::default();
    let checked: Vec<Checked> = targets
        .par_iter()
        .map(|target| {
            if let Some(error) = configs.error_for(target, args) {
                let error = format!("not checked: its configuration has an error: {error}");
                return not_checked(display_name(target, args), error);
            }
            let settings = configs.for_target(target, args);
            let mut checked = check_target(
                target,
                args,
                settings,
                stdin_text.as_deref(),
                fixing.then_some(fix_level),
                &contexts,
            );
            if !args.diff && !args.statistics {
                checked.report.render_part(args.format, color);
            }
            checked
        })
        .collect();
    if let Some(failure) = plimsoll_rules::shellcheck::take_failure() {
        eprintln!("plimsoll: warning: {failure} (the RUN scripts it could not check were skipped)");
    }

    let mut changed_files = 0;
    let mut fixed_count = 0;
    let mut diff_text = String::new();
    // What fixing standard input prints: the text, fixed or not.
    let mut stdin_output: Option<Vec<u8>> = None;
    // Context files the fixes create (`.dockerignore`), once each, when missing.
    let mut new_files: Vec<(PathBuf, String)> = Vec::new();
    for file in &checked {
        io_error |= file.report.error.is_some();
        fixed_count += file.fixes_applied;
        if file.stdin && args.fix {
            // Fixing standard input prints the text and never writes files.
            stdin_output = Some(match &file.fixed {
                Some(fixed) => fixed.clone().into_bytes(),
                None => stdin_text.clone().unwrap_or_default(),
            });
            continue;
        }
        if !file.stdin {
            for (path, content) in &file.created_files {
                if !path.exists() && !new_files.iter().any(|(p, _)| p == path) {
                    new_files.push((path.clone(), content.clone()));
                }
            }
        }
        let Some(fixed) = &file.fixed else { continue };
        changed_files += 1;
        if args.diff {
            diff_text.push_str(&unified_diff(
                &format!("a/{}", file.report.path),
                &format!("b/{}", file.report.path),
                &file.report.source,
                fixed,
            ));
        } else if args.fix {
            let path = Path::new(&file.report.path);
            let original = file.original.as_deref().unwrap_or_default();
            if let Err(error) = write_atomically(path, original, fixed) {
                eprintln!(
                    "plimsoll: {}: cannot write the fixed file: {error}",
                    path.display()
                );
                io_error = true;
            }
        }
    }
    changed_files += new_files.len();
    for (path, content) in &new_files {
        if args.diff {
            let name = path.display().to_string();
            diff_text.push_str(&unified_diff(
                "/dev/null",
                &format!("b/{name}"),
                "",
                content,
            ));
        } else if args.fix {
            // `create_new`: a file that appeared since the check is never overwritten.
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut file| file.write_all(content.as_bytes()));
            if let Err(error) = written {
                eprintln!("plimsoll: {}: {error}", path.display());
                io_error = true;
            }
        }
    }
    if let Some(text) = &stdin_output {
        let mut stdout = io::stdout().lock();
        if stdout
            .write_all(text)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // The reader went away: the exit code still tells the result.
        }
    }

    let failing = checked.iter().any(|c| c.failing);
    let reports: Vec<FileReport> = checked.into_iter().map(|c| c.report).collect();
    let options = RenderOptions {
        color,
        quiet: args.quiet,
        fixed_count: if args.fix { fixed_count } else { 0 },
    };
    let mut sink: Box<dyn Write> = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(io::BufWriter::new(file)),
            Err(error) => {
                eprintln!("plimsoll: {}: {error}", path.display());
                return ExitCode::from(2);
            }
        },
        None if report_to_stderr => Box::new(io::BufWriter::new(io::stderr().lock())),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    let written = if args.diff {
        sink.write_all(diff_text.as_bytes())
    } else if args.statistics {
        write_statistics(&reports, &mut sink)
    } else {
        output::render(args.format, &reports, &options, &mut sink)
    };
    if written.and_then(|()| sink.flush()).is_err() {
        // The reader went away (`| head`): the exit code still tells the result.
    }

    if io_error {
        return ExitCode::from(2);
    }
    if args.diff {
        return ExitCode::from(u8::from(changed_files > 0));
    }
    ExitCode::from(u8::from(failing))
}

/// The settings of every directory holding a checked Dockerfile: the configuration file
/// found upward from it (or `--config`), with the command-line options over it.
struct Configs {
    /// Settings by Dockerfile directory; `fallback` for the others.
    by_dir: std::collections::HashMap<PathBuf, Settings>,
    fallback: Settings,
    /// The configuration errors of the directories whose configuration cannot be used:
    /// their Dockerfiles are not checked, the others are.
    errors: std::collections::HashMap<PathBuf, String>,
}

impl Configs {
    fn load(args: &CheckArgs, targets: &[Target]) -> Result<Configs, String> {
        use plimsoll_rules::settings::discover;
        let mut warned = std::collections::HashSet::new();
        let mut warn = |config: &discover::LoadedConfig| {
            if !args.quiet && warned.insert(config.path.clone()) {
                for warning in &config.warnings {
                    eprintln!("plimsoll: {}: warning: {warning}", config.path.display());
                }
            }
        };
        if let Some(path) = &args.config {
            let config = discover::load(path).map_err(|e| e.to_string())?;
            warn(&config);
            return Ok(Configs {
                by_dir: Default::default(),
                fallback: with_arguments(config.settings(), args),
                errors: Default::default(),
            });
        }
        let mut by_dir = std::collections::HashMap::new();
        let mut fallback = with_arguments(Settings::default(), args);
        let mut errors = std::collections::HashMap::new();
        if args.isolated {
            return Ok(Configs {
                by_dir,
                fallback,
                errors,
            });
        }
        let mut dirs: Vec<PathBuf> = targets.iter().map(|t| target_dir(t, args)).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            let settings = match discover::discover(&dir) {
                Ok(Some(config)) => {
                    warn(&config);
                    with_arguments(config.settings(), args)
                }
                Ok(None) => with_arguments(Settings::default(), args),
                Err(error) => {
                    let error = error.to_string();
                    // Once per configuration file, however many directories it covers.
                    if !errors.values().any(|e| *e == error) {
                        eprintln!("plimsoll: {error}");
                    }
                    errors.insert(dir, error);
                    continue;
                }
            };
            if dir == Path::new(".") {
                fallback = settings.clone();
            }
            by_dir.insert(dir, settings);
        }
        Ok(Configs {
            by_dir,
            fallback,
            errors,
        })
    }

    /// The configuration error that keeps `target` from being checked, if any.
    fn error_for(&self, target: &Target, args: &CheckArgs) -> Option<&str> {
        self.errors
            .get(&target_dir(target, args))
            .map(String::as_str)
    }

    fn for_target(&self, target: &Target, args: &CheckArgs) -> &Settings {
        self.by_dir
            .get(&target_dir(target, args))
            .unwrap_or(&self.fallback)
    }
}

/// The directory a target's configuration and build context are looked up from.
fn target_dir(target: &Target, args: &CheckArgs) -> PathBuf {
    let file = match target {
        Target::File(path) => Some(path.as_path()),
        Target::Stdin => args.stdin_filename.as_deref(),
    };
    file.and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// The command-line options over the settings of a configuration file.
fn with_arguments(mut settings: Settings, args: &CheckArgs) -> Settings {
    match args.failure_threshold {
        Some(Threshold::At(level)) => settings.failure_threshold = level,
        Some(Threshold::Never) => settings.no_fail = true,
        None => {}
    }
    if args.no_fail {
        settings.no_fail = true;
    }
    if args.shellcheck {
        settings.shellcheck = true;
    }
    if !args.select.is_empty() {
        settings.select = args.select.clone();
    }
    settings
        .extend_select
        .extend(args.extend_select.iter().cloned());
    settings.ignore.extend(args.ignore.iter().cloned());
    for (code, severity) in &args.severity {
        settings.severity.insert(code.clone(), *severity);
    }
    settings
}

/// How a target is named in the report.
fn display_name(target: &Target, args: &CheckArgs) -> String {
    match (target, &args.stdin_filename) {
        (Target::File(path), _) | (Target::Stdin, Some(path)) => path.display().to_string(),
        (Target::Stdin, None) => "-".to_string(),
    }
}

/// A file that could not be checked, and why.
fn not_checked(display: String, error: String) -> Checked {
    Checked {
        report: FileReport {
            path: display,
            source: String::new(),
            diagnostics: Vec::new(),
            error: Some(error),
            rendered: None,
            tally: Tally::default(),
        },
        failing: false,
        fixed: None,
        original: None,
        fixes_applied: 0,
        created_files: Vec::new(),
        stdin: false,
    }
}

fn check_target(
    target: &Target,
    args: &CheckArgs,
    settings: &Settings,
    stdin: Option<&[u8]>,
    fix: Option<Applicability>,
    contexts: &SharedContexts,
) -> Checked {
    let display = display_name(target, args);
    let (path, bytes) = match target {
        Target::Stdin => {
            let bytes = stdin.unwrap_or_default();
            let bytes = if bytes.len() as u64 > MAX_DOCKERFILE_BYTES {
                // Standard input was read up to one byte past the limit.
                Err(too_large(None))
            } else {
                Ok(bytes.to_vec())
            };
            (args.stdin_filename.clone(), bytes)
        }
        Target::File(path) => (Some(path.clone()), read_dockerfile(path)),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => return not_checked(display, error),
    };
    let (source, invalid_utf8_at) = match std::str::from_utf8(&bytes) {
        Ok(text) => (text.to_string(), None),
        Err(error) => (
            String::from_utf8_lossy(&bytes).into_owned(),
            Some(error.valid_up_to()),
        ),
    };

    // The build context: --context, else the Dockerfile's directory (stdin without a
    // --stdin-filename has none).
    let dockerfile_dir = path.as_deref().map(|p| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    });
    let context_root = args.context.clone().or(dockerfile_dir);
    let context = context_root.as_ref().map(|root| contexts.get(root));
    let dockerfile_in_context = match (&path, &context) {
        (Some(file), Some(context)) => context.path_of(file),
        _ => None,
    };
    let mut options = LintOptions::new(settings);
    if let Some(context) = &context {
        options = options.with_context(&**context, dockerfile_in_context.as_deref());
    }

    let mut diagnostics = lint(&source, &options).diagnostics;
    if let Some(at) = invalid_utf8_at {
        if let Some(meta) = find_meta("PL100").filter(|m| settings.is_enabled(m)) {
            let range = plimsoll_rules::parser::TextRange::from_usize(at, at + 3);
            diagnostics.insert(
                0,
                Diagnostic::new(
                    meta,
                    range,
                    format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
                ),
            );
        }
    }

    let mut fixed = None;
    let mut fixes_applied = 0;
    let mut created_files = Vec::new();
    // A file that is not UTF-8 is never rewritten: the rewrite would lose its bytes.
    if let (Some(level), None) = (fix, invalid_utf8_at) {
        let outcome = apply_fixes(&source, &options, level);
        let refusal = (outcome.source != source)
            .then(|| rewrite_refusal(&source, &outcome.source))
            .flatten();
        if let Some(reason) = refusal {
            eprintln!("plimsoll: {display}: not fixed: {reason}");
        } else {
            if outcome.source != source {
                fixed = Some(outcome.source.clone());
            }
            fixes_applied = outcome.applied.len();
            if let Some(root) = &context_root {
                created_files = outcome
                    .created_files
                    .into_iter()
                    // Only plain relative paths: an absolute one would replace the root.
                    .filter(|(p, _)| {
                        Path::new(p)
                            .components()
                            .all(|c| matches!(c, std::path::Component::Normal(_)))
                    })
                    .map(|(p, c)| {
                        let path = if root == Path::new(".") {
                            PathBuf::from(p)
                        } else {
                            root.join(p)
                        };
                        (path, c)
                    })
                    .collect();
            }
            if args.fix {
                // Report what is left after fixing.
                diagnostics = outcome.remaining;
            }
        }
    }
    let failing = diagnostics.iter().any(|d| settings.fails_on(d.severity));
    let original = fixed.is_some().then(|| source.clone());
    Checked {
        failing,
        report: FileReport {
            path: display,
            source: fixed.clone().filter(|_| args.fix).unwrap_or(source),
            diagnostics,
            error: None,
            rendered: None,
            tally: Tally::default(),
        },
        original,
        fixed,
        fixes_applied,
        created_files,
        stdin: *target == Target::Stdin,
    }
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so
/// that a crash never leaves a half-written Dockerfile; keeps the file's permissions.
///
/// The file is replaced only if it still holds `expected` (the text that was checked), so
/// that an edit saved meanwhile is never lost. A symbolic link stays a link: the file it
/// points to is the one replaced.
fn write_atomically(path: &Path, expected: &str, text: &str) -> io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    if std::fs::read(&path)? != expected.as_bytes() {
        return Err(io::Error::other(
            "it changed while it was being checked; run again",
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&path)?.permissions();
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.as_file().set_permissions(permissions)?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// The largest Dockerfile checked: 40 times the largest of thousands of real ones. Anything
/// larger is a file that only has a Dockerfile's name (a log, an archive), and checking it
/// would take long for nothing.
const MAX_DOCKERFILE_BYTES: u64 = 1 << 20;

/// Why a text of `len` bytes (`None`: more than the limit) is not checked.
fn too_large(len: Option<u64>) -> String {
    let limit = MAX_DOCKERFILE_BYTES >> 20;
    match len {
        Some(len) => format!(
            "not checked: larger than any Dockerfile ({:.1} MiB; the limit is {limit} MiB)",
            len as f64 / f64::from(1 << 20)
        ),
        None => format!("not checked: larger than any Dockerfile (over the limit of {limit} MiB)"),
    }
}

/// Reads a Dockerfile, or says in a sentence why it cannot be read.
fn read_dockerfile(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|error| match std::fs::read_link(path) {
        Ok(target) => format!(
            "cannot read: it is a symbolic link to {}, which cannot be followed: {error}",
            target.display()
        ),
        Err(_) => format!("cannot read: {error}"),
    })?;
    if !metadata.is_file() {
        // Opening a FIFO blocks until something writes to it; a device may never end.
        return Err("cannot read: not a regular file (a FIFO, socket or device)".to_string());
    }
    if metadata.len() > MAX_DOCKERFILE_BYTES {
        return Err(too_large(Some(metadata.len())));
    }
    // Room for the whole file and one byte more, so that it is read in two calls rather
    // than in growing chunks.
    let mut bytes = Vec::with_capacity(metadata.len() as usize + 1);
    std::fs::File::open(path)
        // The file may have grown since `metadata`.
        .and_then(|file| file.take(MAX_DOCKERFILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|error| format!("cannot read: {error}"))?;
    if bytes.len() as u64 > MAX_DOCKERFILE_BYTES {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// Why the fixed text must not replace `source`, if it must not.
///
/// Fixes come from rules that read the parse of the file. Where the parse failed, what the
/// rules saw may not be what the author wrote, so a file with syntax errors is only changed
/// inside the parts (instructions, and the comments and blank lines between them) that parse
/// without error, or where the change repairs that part's syntax error; never by adding or
/// removing instructions. And no fix may add a syntax error to any file.
fn rewrite_refusal(source: &str, fixed: &str) -> Option<String> {
    let before = plimsoll_rules::parser::parse(source);
    let after = plimsoll_rules::parser::parse(fixed);
    if after.diagnostics.len() > before.diagnostics.len() {
        let added = after
            .diagnostics
            .iter()
            .find(|d| !before.diagnostics.iter().any(|b| b.message == d.message))
            .or(after.diagnostics.first())?;
        return Some(format!(
            "the fixes would add a syntax error ({}: {}); please report this",
            added.code.code(),
            added.message
        ));
    }
    let first_error = before.diagnostics.first()?;
    let line = source
        .get(..first_error.range.start as usize)
        .unwrap_or(source)
        .matches('\n')
        .count()
        + 1;
    let old = parts(source, &before);
    let new = parts(fixed, &after);
    let change = if old.len() != new.len() {
        "a fix would add or remove instructions"
    } else if old
        .iter()
        .zip(&new)
        .any(|(old, new)| old.text != new.text && new.has_error)
    {
        "a fix would change text that does not parse"
    } else {
        return None;
    };
    Some(format!(
        "line {line} has a syntax error, and {change} (fix the error first)"
    ))
}

/// A piece of a Dockerfile: an instruction, or the text between two instructions.
struct Part<'a> {
    text: &'a str,
    /// Whether a syntax error lies in it.
    has_error: bool,
}

/// The instructions of `file` and the text around them, in order, tiling `source`.
fn parts<'a>(source: &'a str, file: &plimsoll_rules::parser::Dockerfile) -> Vec<Part<'a>> {
    let mut bounds = vec![0];
    for instruction in &file.instructions {
        bounds.push(instruction.range.start as usize);
        bounds.push(instruction.range.end as usize);
    }
    bounds.push(source.len());
    bounds
        .windows(2)
        .map(|pair| {
            let (start, end) = (pair[0].min(source.len()), pair[1].min(source.len()));
            let has_error = file.diagnostics.iter().any(|d| {
                let (d_start, d_end) = (d.range.start as usize, d.range.end as usize);
                let starts_inside = start <= d_start && d_start < end;
                let reaches_inside = d_start < start && start < d_end;
                let at_end_of_file = d_start == end && end == source.len();
                starts_inside || reaches_inside || at_end_of_file
            });
            Part {
                text: source.get(start..end).unwrap_or_default(),
                has_error,
            }
        })
        .collect()
}

fn unified_diff(old_name: &str, new_name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

fn write_statistics(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts.entry((d.code, d.name)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe),
        );
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    for ((code, name), (count, fixable)) in rows {
        let fix = if fixable > 0 {
            format!("  ({fixable} fixable)")
        } else {
            String::new()
        };
        writeln!(out, "{count:>6}  {code:<7} {name}{fix}")?;
    }
    Ok(())
}
