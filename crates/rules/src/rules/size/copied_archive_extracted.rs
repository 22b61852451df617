use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::expand_word;
use crate::rules::helpers::paths::file_name;
use plimsoll_parser::shell::{basename, Command};
use plimsoll_parser::{Arguments, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a tar archive copied from the build context with `COPY` and then extracted
    /// by a later `RUN` of the same stage (`tar -x`, `tar xzf`, or a decompressor such as
    /// `gunzip` or `xzcat` on it). The archive is matched by file name; names are expanded
    /// with the ARG and ENV values in scope.
    ///
    /// Only the archives `ADD` can extract are considered: `.tar`, and `.tar.gz`/`.tgz`,
    /// `.tar.bz2`/`.tbz2`/`.tbz`/`.tb2` and `.tar.xz`/`.txz`. An extraction `ADD` cannot
    /// reproduce is not reported: one with `--strip-components`, `--exclude`,
    /// `--wildcards` or `--transform`.
    ///
    /// ## Why
    /// The `COPY` layer keeps the archive even when the `RUN` deletes it afterwards, so the
    /// image carries the files twice: compressed, and extracted. `ADD` extracts a local tar
    /// archive into the destination directory in one layer, without the archive and without
    /// a `tar` in the image.
    ///
    /// Unlike hadolint, old-style `tar xzf` is recognised, and archives that `ADD` would not
    /// extract (`.zip`, a plain `.gz` file) are not reported.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12-slim
    /// COPY dist/app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12-slim
    /// ADD dist/app.tar.gz /opt/
    /// COPY vendor.tar.gz /tmp/
    /// RUN tar -xzf /tmp/vendor.tar.gz --strip-components=1 -C /opt/vendor
    /// ```
    ///
    /// ## Fix
    /// None: the `ADD` destination is where `tar` extracts to (its `-C` directory, or the
    /// working directory of the `RUN`), and the `RUN` may do more than extract.
    pub struct CopiedArchiveExtracted {
        code: "DL3010",
        name: "copied-archive-extracted",
        category: Size,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

/// Names of tar archives `ADD` extracts (uncompressed, gzip, bzip2, xz).
const TAR_ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz",
];

/// Programs that decompress an archive given to them.
const DECOMPRESSORS: &[&str] = &[
    "gunzip", "bunzip2", "unxz", "zcat", "gzcat", "bzcat", "xzcat",
];

/// `tar` options whose extraction `ADD` cannot do.
const TAR_OPTIONS_ADD_LACKS: &[&str] = &[
    "--strip-components",
    "--strip",
    "--exclude",
    "--wildcards",
    "--transform",
    "--xform",
];

/// An archive a COPY put in the stage.
struct Copied {
    /// Its file name.
    name: String,
    /// Where the COPY writes it (a source word, or the destination when that names it).
    range: TextRange,
    /// The COPY instruction.
    id: usize,
}

impl Rule for CopiedArchiveExtracted {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let mut copied: Vec<Copied> = Vec::new();
        for id in stage.instructions.clone() {
            let instruction = model.instruction(id);
            if instruction.keyword != Keyword::Copy
                || instruction.flag("from").is_some()
                || !instruction.heredocs.is_empty()
            {
                continue;
            }
            let words = match &instruction.args {
                Arguments::List(words) | Arguments::Exec(words) => words,
                _ => continue,
            };
            let [sources @ .., dest] = words.as_slice() else {
                continue;
            };
            let archive = |text: &str| {
                let name = file_name(text).to_string();
                is_tar_archive(&name).then_some(name)
            };
            let dest_name = expand_word(model, id, &dest.value).and_then(|d| archive(&d));
            if let Some(name) = dest_name {
                copied.push(Copied {
                    name,
                    range: dest.range,
                    id,
                });
                continue;
            }
            for source in sources {
                if let Some(name) = expand_word(model, id, &source.value).and_then(|s| archive(&s))
                {
                    copied.push(Copied {
                        name,
                        range: source.range,
                        id,
                    });
                }
            }
        }
        for archive in &copied {
            let extraction = model
                .runs
                .iter()
                .filter(|run| run.stage == stage.index && run.instruction > archive.id)
                .flat_map(|run| run.script.commands())
                .find(|command| extracts(command, &archive.name));
            let Some(extraction) = extraction else {
                continue;
            };
            let program = extraction.unwrapped().program().unwrap_or("tar");
            checker
                .report(
                    archive.range,
                    format!(
                        "Use `ADD` for extracting archives into an image: `{}` is copied, then \
                         extracted by `{program}`, and stays in the `COPY` layer",
                        archive.name
                    ),
                )
                .add_related(extraction.range, "the archive is extracted here");
        }
    }
}

/// Whether `name` is a tar archive `ADD` extracts.
fn is_tar_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TAR_ARCHIVES
        .iter()
        .any(|ext| lower.len() > ext.len() && lower.ends_with(ext))
}

/// Whether `command` extracts the archive `name`: `tar` in extract mode, or a decompressor,
/// with an argument whose file name is `name`.
fn extracts(command: &Command, name: &str) -> bool {
    let invocation = command.unwrapped();
    let names_it = invocation
        .args
        .iter()
        .filter_map(|w| w.as_str())
        .any(|arg| basename(arg.split_once('=').map_or(arg, |(_, v)| v)) == name);
    if !names_it {
        return false;
    }
    match invocation.program() {
        Some("tar") => {
            let args: Vec<&str> = invocation.args.iter().filter_map(|w| w.as_str()).collect();
            let extract = args.iter().enumerate().any(|(i, arg)| {
                matches!(*arg, "--extract" | "--get")
                    || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('x'))
                    // Old-style options: `tar xzf app.tar.gz`.
                    || (i == 0 && !arg.starts_with('-') && is_old_style(arg))
            });
            let lacks = args.iter().any(|arg| {
                TAR_OPTIONS_ADD_LACKS
                    .iter()
                    .any(|option| arg == option || arg.starts_with(&format!("{option}=")))
            });
            extract && !lacks
        }
        Some(program) => DECOMPRESSORS.contains(&program),
        None => false,
    }
}

/// Whether `arg` is a cluster of old-style `tar` options with `x` (`xzf`, `xvf`).
fn is_old_style(arg: &str) -> bool {
    arg.contains('x')
        && arg.len() <= 8
        && arg.chars().all(|c| c.is_ascii_alphabetic())
        && arg.chars().all(|c| "xzjJvfpoOkmaw".contains(c))
}
