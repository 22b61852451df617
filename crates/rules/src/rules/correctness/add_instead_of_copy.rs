use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{InstructionId, SemanticModel};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_env::PLATFORM_ARGS;
use plimsoll_parser::expand::{Env, EnvList, Lexer};
use plimsoll_parser::{Arguments, Instruction, Keyword};
use std::sync::LazyLock;

declare_rule! {
    /// ## What it does
    /// Reports `ADD` when its sources are local files or directories of the build context
    /// (or here-documents) rather than URLs, Git repositories or archives.
    ///
    /// A source counts as remote when it starts with `http://`, `https://`, `git://`,
    /// `ssh://` or another `scheme://`, or is written `user@host:path`, and as an archive
    /// when its name ends with a tar or compression extension (`.tar`, `.tar.gz`, `.tgz`,
    /// `.gz`, `.bz2`, `.tbz2`, `.xz`, `.txz`, `.zst`, `.lz`, `.lzma`, `.Z`, …). A `.zip` is
    /// a local file like any other: `ADD` never extracts zip archives. An `ADD` is
    /// reported when at least one source is local and not an archive. A source with a
    /// variable that has no value is judged by what is written around it: it is local when
    /// a path comes before the variable (`bin/${VERSION}/tool`) and not an archive when its
    /// file name is written out; otherwise it is not judged (`${DIST}/tool` may be a URL).
    /// BuildKit's platform ARGs (`$TARGETARCH`) stand for platform names.
    ///
    /// ## Why
    /// `ADD` does more than copy: it downloads URLs, clones Git repositories and unpacks
    /// local tar archives. For plain files that extra behaviour is a trap: a source that
    /// happens to be a tar archive is silently extracted instead of copied, and a reader
    /// has to check every source to know what the instruction does. `COPY` does only what
    /// its name says. Keep `ADD` for what only `ADD` can do.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ADD requirements.txt app/ /srv/
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// COPY requirements.txt app/ /srv/
    /// ADD rootfs.tar.gz /
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Fix
    /// Replaces the `ADD` keyword with `COPY`, in the same letter case. The fix is offered
    /// only when every source is local and not an archive, and no flag is specific to
    /// `ADD` (`--checksum`, `--keep-git-dir`, `--unpack`, or a flag `COPY` does not know).
    /// Here-document sources are converted too: `ADD` and `COPY` create the same file from
    /// them. The fix is safe, except when a source may still be a tar archive whose name
    /// does not say so, which `ADD` would have extracted: a glob, a file of the build context
    /// that is not text, or a file that cannot be read. Then it is unsafe.
    pub struct AddInsteadOfCopy {
        code: "DL3020",
        name: "add-instead-of-copy",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Add])],
    }
}

/// Names ADD unpacks (as a tar archive, possibly compressed) when the source is local.
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tz", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst", ".taz",
];

/// The flags COPY accepts as well as ADD.
const SHARED_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude"];

/// `user@host:path`, Git's SCP-like syntax.
static SCP_LIKE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]+:").expect("valid regex")
});

enum Source {
    /// A URL or Git repository.
    Remote,
    /// A name that says it is an archive: `ADD` unpacks it.
    Archive,
    /// A local file or directory (or a heredoc); `true` when it may be an archive anyway.
    Local { maybe_archive: bool },
    /// Unknown (a variable without a value).
    Unknown,
}

impl Rule for AddInsteadOfCopy {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let words = match &instruction.args {
            Arguments::List(words) | Arguments::Exec(words) => words,
            _ => return,
        };
        let [sources @ .., _dest] = words.as_slice() else {
            return;
        };
        if sources.is_empty() || instruction.flag("from").is_some() {
            return;
        }
        let Some(id) = checker.model.id_of(instruction) else {
            return;
        };
        let nested = checker.model.instruction(id).keyword == Keyword::Onbuild;
        let mut kinds = Vec::with_capacity(sources.len());
        for word in sources {
            let heredoc = !instruction.json
                && word.value.starts_with("<<")
                && is_heredoc_source(instruction, &word.value);
            if heredoc {
                kinds.push(Source::Local {
                    maybe_archive: false,
                });
                continue;
            }
            let kind = match checker.model.expand_at(id, &word.value) {
                Some(value) => classify(checker, &value, nested),
                None => classify_partly_known(checker.model, id, &word.value),
            };
            kinds.push(kind);
        }
        if !kinds.iter().any(|k| matches!(k, Source::Local { .. })) {
            return;
        }
        let diagnostic = checker.report(
            instruction.keyword_range,
            "`ADD` of local files: use `COPY`, which copies without unpacking archives or \
             fetching URLs",
        );
        let all_local = kinds.iter().all(|k| matches!(k, Source::Local { .. }));
        let flags_shared = instruction
            .flags
            .iter()
            .all(|f| SHARED_FLAGS.contains(&f.name.as_str()));
        if !all_local || !flags_shared {
            return;
        }
        let keyword = copy_keyword(&instruction.keyword_text);
        let edits = vec![Edit::replace(instruction.keyword_range, keyword)];
        let maybe_archive = kinds.iter().any(|k| {
            matches!(
                k,
                Source::Local {
                    maybe_archive: true
                }
            )
        });
        let fix = if maybe_archive {
            Fix::unsafe_edit("Replace `ADD` with `COPY`", edits)
        } else {
            Fix::safe("Replace `ADD` with `COPY`", edits)
        };
        diagnostic.set_fix(fix);
    }
}

/// Whether `word` (`<<EOF`, `<<-"EOF"`) names one of the instruction's heredocs.
fn is_heredoc_source(instruction: &Instruction, word: &str) -> bool {
    let name = word
        .trim_start_matches('<')
        .trim_start_matches('-')
        .trim_matches(['"', '\'']);
    instruction.heredocs.iter().any(|h| h.name == name)
}

fn classify(checker: &Checker<'_>, value: &str, nested: bool) -> Source {
    let lower = value.to_ascii_lowercase();
    if lower.contains("://") || SCP_LIKE.is_match(value) {
        return Source::Remote;
    }
    if ARCHIVE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) {
        return Source::Archive;
    }
    let has_glob = value.contains(['*', '?', '[']);
    let maybe_archive = has_glob || (!nested && context_file_may_be_archive(checker, value));
    Source::Local { maybe_archive }
}

/// Stands for the value of a variable that has none in [`classify_partly_known`]; no path
/// or URL contains it.
const UNKNOWN: &str = "\u{0}";

/// The ARG and ENV values at an instruction; BuildKit's automatic platform ARGs stand for a
/// platform name (`amd64`, `linux/amd64`), any other variable without a value for
/// [`UNKNOWN`].
struct PartlyKnownEnv(EnvList);

impl Env for PartlyKnownEnv {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(&self.0, name)
            .or_else(|| {
                PLATFORM_ARGS
                    .iter()
                    .find(|(arg, _)| *arg == name)
                    .map(|(_, value)| *value)
            })
            .or(Some(UNKNOWN))
    }
}

/// What a source using variables without a value is, from what is written around them:
/// local when the text before the first unknown value is a path (a `/`, and no `:` or `@`
/// that could start a URL or `user@host:path`), and not an archive when its last component
/// is known and has no archive extension (`bin/${VERSION}/tool`, `build/app-${TARGETARCH}`).
/// Such a file is never looked for in the build context, so it may still be an archive.
fn classify_partly_known(model: &SemanticModel, id: InstructionId, word: &str) -> Source {
    let env = PartlyKnownEnv(model.variables_at(id));
    let Ok(expansion) = Lexer::new(model.file.escape).process_word(word, &env) else {
        return Source::Unknown;
    };
    let value = expansion.value;
    let prefix = value.split(UNKNOWN).next().unwrap_or("");
    let local = prefix.contains('/') && !prefix.contains([':', '@']);
    let name = value.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let named_archive = ARCHIVE_EXTENSIONS.iter().any(|ext| name.ends_with(ext));
    if local && !name.is_empty() && !name.contains(UNKNOWN) && !named_archive {
        Source::Local {
            maybe_archive: true,
        }
    } else {
        Source::Unknown
    }
}

/// Whether the build context holds `path` as a file that is not plain text (or cannot be
/// read): BuildKit recognises tar archives by their content, not their name.
fn context_file_may_be_archive(checker: &Checker<'_>, path: &str) -> bool {
    let Some(view) = checker.context else {
        return false;
    };
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "." || path.split('/').any(|part| part == "..") {
        return false;
    }
    if !view.context.exists(path) {
        return false;
    }
    match view.context.read(path) {
        Some(text) => text.contains(['\0', '\u{fffd}']),
        // A directory is copied as is; anything else unreadable (too large, not a
        // regular file) might be an archive.
        None => view.context.list(path).is_empty(),
    }
}

/// `COPY` written in the letter case of `add` as written.
fn copy_keyword(written: &str) -> &'static str {
    if written.chars().all(|c| c.is_ascii_lowercase()) {
        "copy"
    } else if written.starts_with(|c: char| c.is_ascii_uppercase())
        && written.chars().skip(1).all(|c| c.is_ascii_lowercase())
    {
        "Copy"
    } else {
        "COPY"
    }
}
