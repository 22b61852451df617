use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
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
    /// reported when at least one source is local and not an archive. Sources with a
    /// variable that has no value are not judged.
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
                None => Source::Unknown,
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
