use crate::checker::Checker;
use crate::context::dockerignore::{clean, PatternError, PatternMatcher};
use crate::context::ContextView;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::SemanticModel;
use crate::registry::{Rule, Target};
use crate::rules::helpers::mounts::{mount_flags, Mount};
use crate::rules::security::secret_files::{
    classify, sent_secrets, FoundSecret, DOCKERIGNORE_PATTERNS,
};
use plimsoll_parser::shell::basename;
use plimsoll_parser::{Arguments, Flag, Instruction, Keyword, TextRange, Word};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that copies the whole build context (`COPY . …`, `COPY ./ …`,
    /// `COPY * …`, `ADD . …`, or a `RUN --mount=type=bind` of the context root) when the
    /// context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the
    /// Dockerfile). It is reported once, at the first such instruction, and only when the
    /// build context is known.
    ///
    /// ## Why
    /// Without a `.dockerignore`, everything in the directory is sent to the builder and
    /// `COPY .` puts it in the image: the `.git` directory (the whole history, often larger
    /// than the code), `.env` files and keys, `node_modules` built for the host, editor and
    /// cache directories. The image grows, secrets leak, and any change to those files
    /// invalidates the layer cache of the COPY and everything after it.
    ///
    /// ## Example
    /// ```context
    /// Dockerfile
    /// go.mod: module example.com/api\n\ngo 1.23\n
    /// main.go: package main\n
    /// .git/HEAD: ref: refs/heads/main\n
    /// .env: DATABASE_PASSWORD=Zq8wLm3Kx9Vb\n
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /api .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY go.mod main.go ./
    /// RUN go build -o /api .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Fix
    /// Creates a `.dockerignore` (safe: only files the Dockerfile does not name are left out).
    /// It always lists `.git`, `.env` and `.env.*` (keeping `.env.example`, `.env.sample`,
    /// `.env.template`, and any present `.env.*` file that holds no secret), SSH keys, key
    /// stores, credentials files and the `.ssh`, `.aws` and `.gnupg` directories, plus
    /// what is present in the context: private keys found by content, `node_modules` (when
    /// a RUN installs the packages again), Rust's `target` (when a RUN runs `cargo`),
    /// editor, cache and log files. It never lists build inputs like `vendor`, `bin` or
    /// `dist`, keeps `.git` when a RUN runs `git` on the sources or a Python build derives
    /// its version from Git, and drops every line that would exclude a source the
    /// Dockerfile copies or mounts by name.
    pub struct MissingDockerignore {
        code: "PL601",
        name: "missing-dockerignore",
        category: Context,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for MissingDockerignore {
    fn file(&self, checker: &mut Checker<'_>) {
        let Some(view) = checker.context else {
            return;
        };
        if view.dockerignore.is_some() {
            return;
        }
        let Some(broad) = broad_copy(checker.model) else {
            return;
        };
        let model = checker.model;
        let (secrets, _) = sent_secrets(view, 200);
        // The same for every Dockerfile of the context: worked out once per run.
        let candidates = view.memoized("missing-dockerignore lines", || {
            Arc::new(CandidateLines::new(view, &secrets))
        });
        let mut notable: Vec<String> = Vec::new();
        if candidates.git.is_some() {
            notable.push("`.git`".to_string());
        }
        notable.extend(secrets.iter().take(3).map(|s| format!("`{}`", s.path)));
        if candidates.node_modules.is_some() {
            notable.push("`node_modules`".to_string());
        }
        let including = match notable.len() {
            0 => String::new(),
            1 => format!(", {} included", notable[0]),
            n => format!(
                ", {} and {} included",
                notable[..n - 1].join(", "),
                notable[n - 1]
            ),
        };
        let message = format!(
            "There is no `.dockerignore`: `{}` sends the whole build context to the builder{including}",
            broad.shown
        );
        let content = dockerignore_content(model, view, &candidates);
        checker.report(broad.range, message).set_fix(Fix::safe(
            "Create a `.dockerignore` that leaves out version control data, secrets and local files",
            vec![Edit::create_file(".dockerignore", content)],
        ));
    }
}

/// An instruction that sends the whole build context.
pub(super) struct BroadCopy {
    /// Where it names the context (the source word, or the mount flag).
    pub(super) range: TextRange,
    /// How to name it in a message: `COPY .`, `RUN --mount=type=bind`.
    pub(super) shown: String,
}

/// The first COPY/ADD (not `--from`) of the whole context (`.`, `./`, `/`, `*`, `./*`), or
/// RUN bind mount of the context root.
pub(super) fn broad_copy(model: &SemanticModel) -> Option<BroadCopy> {
    context_sources(model)
        .into_iter()
        .find_map(|source| match source {
            ContextSource::Copy {
                instruction,
                word,
                path,
            } => (path == "." || path == "*").then(|| BroadCopy {
                range: word.range,
                shown: format!("{} {}", instruction.keyword.as_str(), word.value),
            }),
            ContextSource::Mount { flag, path } => path
                .is_none_or(|p| matches!(p.as_str(), "." | ""))
                .then(|| BroadCopy {
                    range: flag.range,
                    shown: "RUN --mount=type=bind".to_string(),
                }),
        })
}

/// What the build takes from the context.
enum ContextSource<'m> {
    /// A COPY/ADD (not `--from`) source, as a context path (`.` for the root).
    Copy {
        instruction: &'m Instruction,
        word: &'m Word,
        path: String,
    },
    /// A RUN bind mount of the context (no `from`), with its source cleaned (`.` or empty
    /// for the root), if it names one.
    Mount {
        flag: &'m Flag,
        path: Option<String>,
    },
}

/// The context sources of the Dockerfile's COPY/ADD and RUN bind mounts, in file order.
fn context_sources(model: &SemanticModel) -> Vec<ContextSource<'_>> {
    let mut out = Vec::new();
    for (id, instruction) in model.file.instructions.iter().enumerate() {
        match instruction.keyword {
            Keyword::Copy | Keyword::Add if instruction.flag("from").is_none() => {
                let Some((sources, _)) = copy_sources(instruction) else {
                    continue;
                };
                for word in sources {
                    if let Some(path) = source_path(model, id, &word.value) {
                        out.push(ContextSource::Copy {
                            instruction,
                            word,
                            path,
                        });
                    }
                }
            }
            Keyword::Run => {
                for (flag, mount) in bind_mounts(instruction) {
                    if mount.from().is_none() {
                        let path = mount.source().map(|s| clean(s.trim_start_matches('/')));
                        out.push(ContextSource::Mount { flag, path });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The source words and the destination of a COPY/ADD.
fn copy_sources(instruction: &Instruction) -> Option<(&[Word], &Word)> {
    match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) if words.len() >= 2 => {
            let (sources, dest) = words.split_at(words.len() - 1);
            Some((sources, dest.first()?))
        }
        _ => None,
    }
}

/// A COPY/ADD source as a context path (`.` for the root), `None` for heredocs, URLs and
/// sources with a variable that has no value.
fn source_path(model: &SemanticModel, id: usize, raw: &str) -> Option<String> {
    if raw.starts_with("<<") || raw.contains("://") || raw.starts_with("git@") {
        return None;
    }
    let value = model.expand_at(id, raw)?;
    let cleaned = clean(value.trim_start_matches('/'));
    Some(if cleaned.is_empty() {
        ".".to_string()
    } else {
        cleaned
    })
}

/// The `--mount=type=bind,…` flags of a RUN.
fn bind_mounts(instruction: &Instruction) -> impl Iterator<Item = (&Flag, Mount)> {
    mount_flags(instruction).filter(|(_, mount)| mount.kind() == Some("bind"))
}

/// The context paths the Dockerfile copies or mounts by name (globs kept as written), not
/// counting the whole-context sources.
pub(super) fn named_sources(model: &SemanticModel) -> Vec<String> {
    context_sources(model)
        .into_iter()
        .filter_map(|source| match source {
            ContextSource::Copy { path, .. } => (path != "." && path != "*").then_some(path),
            ContextSource::Mount { path, .. } => path.filter(|p| p != "." && !p.is_empty()),
        })
        .collect()
}

/// Whether a `.dockerignore` line `pattern` would leave out one of the named sources (or,
/// for a glob source, one of the context files it matches).
pub(super) fn excludes_named(pattern: &str, named: &[String], files: &[String]) -> bool {
    let Ok(matcher) = PatternMatcher::new([pattern]) else {
        return true;
    };
    named.iter().any(|source| {
        if matcher.matches_or_parent_matches(source) {
            return true;
        }
        if !has_glob(source) {
            return false;
        }
        let Ok(glob) = PatternMatcher::new([source.as_str()]) else {
            return false;
        };
        files.iter().any(|file| {
            glob.matches_or_parent_matches(file) && matcher.matches_or_parent_matches(file)
        })
    })
}

/// Whether the build needs the `.git` directory: a RUN runs `git` on the sources (anything
/// but `clone`, `config`, `init`, `ls-remote`, `version`, `help`), or a Python project
/// derives its version from Git.
pub(super) fn needs_git(model: &SemanticModel, view: &ContextView<'_>) -> bool {
    let runs_git = model.runs.iter().any(|run| {
        run.script.commands().any(|command| {
            let git = command.unwrapped();
            git.is("git")
                && !matches!(
                    git.args.first().and_then(|w| w.as_str()),
                    Some(
                        "clone"
                            | "config"
                            | "init"
                            | "ls-remote"
                            | "version"
                            | "--version"
                            | "help"
                    )
                )
        })
    });
    if runs_git {
        return true;
    }
    const VCS_VERSIONING: [&str; 8] = [
        "setuptools_scm",
        "setuptools-scm",
        "hatch-vcs",
        "versioningit",
        "dunamai",
        "poetry-dynamic-versioning",
        "versioneer",
        "pbr",
    ];
    ["pyproject.toml", "setup.cfg", "setup.py"]
        .iter()
        .any(|file| {
            view.context
                .read(file)
                .is_some_and(|text| VCS_VERSIONING.iter().any(|tool| text.contains(tool)))
        })
}

/// Whether a RUN installs Node packages (`npm install`/`ci`, `yarn`, `pnpm install`, `bun
/// install`), so a local `node_modules` is not needed.
pub(super) fn installs_node_modules(model: &SemanticModel) -> bool {
    model.runs.iter().any(|run| {
        run.script.commands().any(|command| {
            let tool = command.unwrapped();
            let first = tool.positionals().next().and_then(|w| w.as_str());
            match tool.program() {
                Some("npm" | "pnpm" | "bun") => {
                    matches!(first, Some("install" | "i" | "ci" | "add"))
                }
                Some("yarn") => matches!(first, None | Some("install" | "add")),
                _ => false,
            }
        })
    })
}

/// Whether a RUN runs `cargo` (so a local `target` directory is rebuilt).
fn runs_cargo(model: &SemanticModel) -> bool {
    model.runs.iter().any(|run| {
        run.script
            .commands()
            .any(|command| command.unwrapped().is("cargo"))
    })
}

/// Tool configuration that builds may need even when it holds a token: left to PL402.
pub(super) fn is_tool_config(path: &str) -> bool {
    let name = basename(path);
    matches!(name, ".npmrc" | ".yarnrc.yml" | ".pypirc")
}

/// Local files that are never build inputs: (name at the context root, line).
const LOCAL_DIRS: [(&str, &str); 13] = [
    (".hg", ".hg"),
    (".svn", ".svn"),
    (".idea", ".idea"),
    (".vscode", ".vscode"),
    (".venv", ".venv"),
    (".tox", ".tox"),
    (".pytest_cache", ".pytest_cache"),
    (".mypy_cache", ".mypy_cache"),
    (".ruff_cache", ".ruff_cache"),
    (".nyc_output", ".nyc_output"),
    (".terraform", ".terraform"),
    (".coverage", ".coverage"),
    (".DS_Store", "**/.DS_Store"),
];

/// A line of the created `.dockerignore`, compiled once.
struct Line {
    text: String,
    matcher: Result<PatternMatcher, PatternError>,
}

impl Line {
    fn new(text: String) -> Line {
        let matcher = PatternMatcher::new([text.as_str()]);
        Line { text, matcher }
    }

    /// One of the lines written whatever the context, compiled once per process.
    fn fixed(text: &'static str) -> Line {
        static COMPILED: LazyLock<HashMap<&'static str, PatternMatcher>> = LazyLock::new(|| {
            let local = LOCAL_DIRS.iter().map(|(_, line)| *line);
            DOCKERIGNORE_PATTERNS
                .iter()
                .copied()
                .chain(FIXED_LINES)
                .chain(local)
                .filter_map(|line| Some((line, PatternMatcher::new([line]).ok()?)))
                .collect()
        });
        match COMPILED.get(text) {
            Some(matcher) => Line {
                text: text.to_string(),
                matcher: Ok(matcher.clone()),
            },
            None => Line::new(text.to_string()),
        }
    }
}

/// The lines written when the context has what they leave out, besides [`LOCAL_DIRS`].
const FIXED_LINES: [&str; 5] = [
    ".git",
    "**/node_modules",
    "target",
    "**/__pycache__",
    "**/*.log",
];

/// The matcher of `lines` one after the other; the first malformed line's error if any.
fn combined<'l>(lines: impl IntoIterator<Item = &'l Line>) -> Result<PatternMatcher, PatternError> {
    let matchers: Vec<&PatternMatcher> = lines
        .into_iter()
        .map(|line| line.matcher.as_ref().map_err(Clone::clone))
        .collect::<Result<_, _>>()?;
    Ok(PatternMatcher::concat(matchers))
}

/// What the created `.dockerignore` may hold, from the context alone; the Dockerfile decides
/// which lines stay ([`dockerignore_content`]).
struct CandidateLines {
    /// The files the build sends.
    files: Vec<String>,
    /// `.git`, when the context has it.
    git: Option<Line>,
    /// The secret patterns, `!` lines for the `.env` files without secrets they would leave
    /// out, then the secrets they do not cover.
    secrets: Vec<Line>,
    /// `**/node_modules`, when the context has `node_modules`.
    node_modules: Option<Line>,
    /// `target`, when the context has `Cargo.toml` and `target`.
    cargo_target: Option<Line>,
    /// Editor, cache and log files present.
    local: Vec<Line>,
}

impl CandidateLines {
    fn new(view: &ContextView<'_>, secrets: &[FoundSecret]) -> CandidateLines {
        let context = view.context;
        let mut files: Vec<String> = Vec::new();
        let mut has_pycache = false;
        let mut has_logs = false;
        view.walk(|path, is_dir| {
            let name = path.rsplit('/').next().unwrap_or(path);
            has_pycache |= is_dir && name == "__pycache__";
            has_logs |= !is_dir && name.ends_with(".log");
            if !is_dir {
                files.push(path.to_string());
            }
            true
        });
        let mut secret_lines: Vec<Line> = DOCKERIGNORE_PATTERNS
            .iter()
            .map(|p| Line::fixed(p))
            .collect();
        // Present `.env` files without secrets stay (frameworks read them at build time).
        if let Ok(matcher) = combined(&secret_lines) {
            for file in &files {
                let name = file.rsplit('/').next().unwrap_or(file);
                let is_env = name == ".env" || name.starts_with(".env.");
                if is_env
                    && matcher.matches_or_parent_matches(file)
                    && classify(file)
                        .is_none_or(|kind| !kind.is_secret(context.read(file).as_deref()))
                {
                    secret_lines.push(Line::new(format!("!{file}")));
                }
            }
        }
        for secret in secrets {
            if is_tool_config(&secret.path) {
                continue;
            }
            let covered =
                combined(&secret_lines).is_ok_and(|m| m.matches_or_parent_matches(&secret.path));
            if !covered {
                secret_lines.push(Line::new(secret.path.clone()));
            }
        }
        let mut local = Vec::new();
        for (name, line) in LOCAL_DIRS {
            if context.exists(name) {
                local.push(Line::fixed(line));
            }
        }
        if has_pycache {
            local.push(Line::fixed("**/__pycache__"));
        }
        if has_logs {
            local.push(Line::fixed("**/*.log"));
        }
        CandidateLines {
            files,
            git: context.exists(".git").then(|| Line::fixed(".git")),
            secrets: secret_lines,
            node_modules: context
                .exists("node_modules")
                .then(|| Line::fixed("**/node_modules")),
            cargo_target: (context.exists("Cargo.toml") && context.exists("target"))
                .then(|| Line::fixed("target")),
            local,
        }
    }
}

const COPIED_BY_NAME: &str = "Copied by name in the Dockerfile";

fn dockerignore_content(
    model: &SemanticModel,
    view: &ContextView<'_>,
    candidates: &CandidateLines,
) -> String {
    let named = named_sources(model);
    // The `!` lines bringing back sources the other lines would exclude.
    let mut keep: Vec<Line> = Vec::new();
    let mut sections: Vec<(&str, Vec<&Line>)> = Vec::new();
    if let Some(git) = &candidates.git {
        if !needs_git(model, view) {
            sections.push(("Version control", vec![git]));
        }
    }
    sections.push((
        "Secrets: pass them with `docker build --secret`",
        candidates.secrets.iter().collect(),
    ));
    let mut local: Vec<&Line> = Vec::new();
    if installs_node_modules(model) {
        local.extend(&candidates.node_modules);
    }
    if runs_cargo(model) {
        local.extend(&candidates.cargo_target);
    }
    local.extend(&candidates.local);
    sections.push(("Local files", local));

    // A line naming a copied source exactly goes; a broader one stays, and the sources it
    // would exclude are added back with `!` lines at the end.
    for (_, lines) in &mut sections {
        lines.retain(|line| !named.contains(&line.text));
    }
    let matcher = combined(sections.iter().flat_map(|(_, lines)| lines.iter().copied()));
    if let Ok(matcher) = &matcher {
        for source in &named {
            let excluded = matcher.matches_or_parent_matches(source)
                || (has_glob(source)
                    && PatternMatcher::new([source.as_str()]).is_ok_and(|glob| {
                        candidates.files.iter().any(|file| {
                            glob.matches_or_parent_matches(file)
                                && matcher.matches_or_parent_matches(file)
                        })
                    }));
            if excluded && !keep.iter().any(|k| k.text[1..] == *source) {
                keep.push(Line::new(format!("!{source}")));
            }
        }
    }
    // Should a `!` line not bring a source back, the lines excluding it go. With no `!`
    // line, no source was excluded to begin with.
    let still_excluded = match &matcher {
        Err(_) => !named.is_empty(),
        Ok(_) if keep.is_empty() => false,
        Ok(matcher) => {
            let with_keep = combined(&keep).map(|keep| PatternMatcher::concat([matcher, &keep]));
            named.iter().any(|source| {
                with_keep
                    .as_ref()
                    .map_or(true, |m| m.matches_or_parent_matches(source))
            })
        }
    };
    sections.push((COPIED_BY_NAME, keep.iter().collect()));
    if still_excluded {
        for (_, lines) in &mut sections {
            lines.retain(|line| {
                line.text.starts_with('!') || !excludes_named(&line.text, &named, &candidates.files)
            });
        }
    }

    let mut out = String::from(
        "# Keeps version control data, secrets and local files out of the build context.\n",
    );
    for (title, lines) in sections {
        if lines.is_empty()
            || (title != COPIED_BY_NAME && lines.iter().all(|l| l.text.starts_with('!')))
        {
            continue;
        }
        out.push_str(&format!("\n# {title}\n"));
        for line in lines {
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    out
}

fn has_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use crate::context::{KeptContext, MemoryContext};
    use crate::diagnostic::{Diagnostic, Edit};
    use crate::lint::{lint, LintOptions};
    use crate::settings::Settings;

    fn run(code: &str, dockerfile: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let settings = Settings {
            select: vec![code.to_string()],
            ..Settings::default()
        };
        let context = MemoryContext::new(files.iter().copied());
        let options = LintOptions::new(&settings).with_context(&context, Some("Dockerfile"));
        lint(dockerfile, &options).diagnostics
    }

    fn created(diagnostic: &Diagnostic) -> String {
        match diagnostic.fix.as_ref().and_then(|f| f.edits.first()) {
            Some(Edit::CreateFile { content, .. }) => content.clone(),
            other => panic!("no created file: {other:?}"),
        }
    }

    const GIT: (&str, &str) = (".git/HEAD", "ref: refs/heads/main\n");

    /// Dockerfiles sharing a context whose answers are kept get the findings they get alone.
    #[test]
    fn kept_answers_change_nothing() {
        let files = [
            GIT,
            ("node_modules/x/index.js", ""),
            ("Cargo.toml", "[package]\n"),
            ("target/debug/app", ""),
            (".env", "SESSION_SECRET=Zq8wLm3Kx9Vb71\n"),
            (".env.docker", "PORT=8080\n"),
            ("certs/tls.key", "-----BEGIN PRIVATE KEY-----\n"),
            (".idea/workspace.xml", ""),
            ("app/__pycache__/x.pyc", ""),
            ("logs/build.log", ""),
        ];
        let dockerfiles = [
            "FROM node:22\nCOPY . .\nRUN npm ci\n",
            "FROM rust:1\nCOPY . .\nRUN cargo build\n",
            "FROM alpine\nCOPY .env.docker /app/.env\nCOPY certs/tls.key /tls.key\nCOPY . /app\n",
            "FROM golang:1.23\nCOPY . .\nRUN go build -ldflags \"-X main.v=$(git describe)\" .\n",
            "FROM alpine\nCOPY logs/*.log /logs/\nCOPY . /app\n",
            "FROM alpine\nCOPY .idea /idea\nCOPY . /app\n",
        ];
        let settings = Settings {
            select: vec!["PL601".to_string()],
            ..Settings::default()
        };
        // A secret whose path is no valid pattern makes every line suspect.
        let malformed = ("certs[/tls.key", "-----BEGIN PRIVATE KEY-----\n");
        for files in [&files[..], &[&files[..], &[malformed]].concat()] {
            let kept = KeptContext::new(MemoryContext::new(files.iter().copied()));
            for dockerfile in dockerfiles.iter().chain(dockerfiles.iter().rev()) {
                let options = LintOptions::new(&settings).with_context(&kept, Some("Dockerfile"));
                let shared = lint(dockerfile, &options).diagnostics;
                let alone = run("PL601", dockerfile, files);
                assert_eq!(shared.len(), 1, "{dockerfile}");
                assert_eq!(shared[0].message, alone[0].message, "{dockerfile}");
                assert_eq!(created(&shared[0]), created(&alone[0]), "{dockerfile}");
            }
        }
    }

    #[test]
    fn git_is_left_out_unless_the_build_reads_it() {
        let found = run(
            "PL601",
            "FROM golang:1.23\nCOPY . .\nRUN go build .\n",
            &[GIT],
        );
        assert!(found[0].message.contains("`.git` included"));
        assert!(created(&found[0]).contains("\n.git\n"));

        let describe = "FROM golang:1.23\nCOPY . .\nRUN go build -ldflags \"-X main.v=$(git describe --tags)\" .\n";
        let found = run("PL601", describe, &[GIT]);
        assert!(!created(&found[0]).contains("\n.git\n"));

        let scm = [GIT, ("pyproject.toml", "[tool.setuptools_scm]\n")];
        let found = run(
            "PL601",
            "FROM python:3.12\nCOPY . .\nRUN pip install .\n",
            &scm,
        );
        assert!(!created(&found[0]).contains("\n.git\n"));
        assert!(run(
            "PL602",
            "FROM python:3.12\nCOPY . .\nRUN pip install .\n",
            &[
                GIT,
                ("pyproject.toml", "[tool.setuptools_scm]\n"),
                (".dockerignore", "*.md\n"),
            ]
        )
        .is_empty());
    }

    #[test]
    fn node_modules_only_when_reinstalled() {
        let files = [("node_modules/x/index.js", ""), ("package.json", "{}")];
        let found = run(
            "PL601",
            "FROM node:22\nCOPY . .\nCMD [\"node\", \"x.js\"]\n",
            &files,
        );
        assert!(!created(&found[0]).contains("node_modules"));
        let found = run("PL601", "FROM node:22\nCOPY . .\nRUN yarn\n", &files);
        assert!(created(&found[0]).contains("**/node_modules\n"));
    }

    #[test]
    fn named_sources_are_kept() {
        let dockerfile = "FROM alpine:3.20\nCOPY .env.docker /app/.env\nCOPY .aws/config /root/.aws/config\nCOPY . /app\n";
        let files = [
            (".env.docker", "API_TOKEN=Zq8wLm3Kx9Vb71\n"),
            (".aws/config", "[default]\n"),
            (".aws/credentials", "[default]\n"),
        ];
        let found = run("PL601", dockerfile, &files);
        let content = created(&found[0]);
        assert!(
            content.contains("\n!.env.docker\n!.aws/config\n"),
            "{content}"
        );
        let matcher = crate::context::dockerignore::PatternMatcher::new(
            crate::context::dockerignore::read_patterns(&content),
        )
        .unwrap();
        assert!(!matcher.matches_or_parent_matches(".env.docker"));
        assert!(!matcher.matches_or_parent_matches(".aws/config"));
        assert!(matcher.matches_or_parent_matches(".aws/credentials"));
    }

    #[test]
    fn the_created_file_leaves_no_gap() {
        let dockerfile = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let mut files = vec![
            GIT,
            ("node_modules/x/index.js", ""),
            (".env", "SESSION_SECRET=Zq8wLm3Kx9Vb71\n"),
            ("certs/tls.key", "-----BEGIN PRIVATE KEY-----\n"),
            ("deploy/id_ed25519", ""),
        ];
        let found = run("PL601", dockerfile, &files);
        let content = created(&found[0]);
        files.push((".dockerignore", &content));
        assert!(run("PL601", dockerfile, &files).is_empty());
        assert!(run("PL602", dockerfile, &files).is_empty(), "{content}");
        files.pop();
        files.push((".dockerignore", "node_modules\n"));
        let gaps = run("PL602", dockerfile, &files);
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].message.contains("`.git`"), "{}", gaps[0].message);
        assert!(gaps[0].message.contains("`certs/tls.key`"));
    }
}
