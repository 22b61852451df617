use crate::checker::Checker;
use crate::context::dockerignore::{clean, PatternMatcher};
use crate::context::ContextView;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::SemanticModel;
use crate::registry::{Rule, Target};
use crate::rules::helpers::mounts::{mount_flags, Mount};
use crate::rules::security::secret_files::{
    classify, sent_secrets, FoundSecret, DOCKERIGNORE_PATTERNS,
};
use plimsoll_parser::{Arguments, Flag, Instruction, Keyword, TextRange, Word};

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
        let mut notable: Vec<String> = Vec::new();
        if view.context.exists(".git") {
            notable.push("`.git`".to_string());
        }
        notable.extend(secrets.iter().take(3).map(|s| format!("`{}`", s.path)));
        if view.context.exists("node_modules") {
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
        let content = dockerignore_content(model, view, &secrets);
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
    let name = path.rsplit('/').next().unwrap_or(path);
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

fn dockerignore_content(
    model: &SemanticModel,
    view: &ContextView<'_>,
    secrets: &[FoundSecret],
) -> String {
    let named = named_sources(model);
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
    let mut sections: Vec<(&str, Vec<String>)> = Vec::new();
    if view.context.exists(".git") && !needs_git(model, view) {
        sections.push(("Version control", vec![".git".to_string()]));
    }
    let mut secret_lines: Vec<String> = DOCKERIGNORE_PATTERNS
        .iter()
        .map(|p| p.to_string())
        .collect();
    // Present `.env` files without secrets stay (frameworks read them at build time).
    if let Ok(matcher) = PatternMatcher::new(DOCKERIGNORE_PATTERNS) {
        for file in &files {
            let name = file.rsplit('/').next().unwrap_or(file);
            let is_env = name == ".env" || name.starts_with(".env.");
            if is_env
                && matcher.matches_or_parent_matches(file)
                && classify(file)
                    .is_none_or(|kind| !kind.is_secret(view.context.read(file).as_deref()))
            {
                secret_lines.push(format!("!{file}"));
            }
        }
    }
    for secret in secrets {
        if is_tool_config(&secret.path) {
            continue;
        }
        let covered = PatternMatcher::new(&secret_lines)
            .is_ok_and(|m| m.matches_or_parent_matches(&secret.path));
        if !covered {
            secret_lines.push(secret.path.clone());
        }
    }
    sections.push((
        "Secrets: pass them with `docker build --secret`",
        secret_lines,
    ));
    let mut local = Vec::new();
    if view.context.exists("node_modules") && installs_node_modules(model) {
        local.push("**/node_modules".to_string());
    }
    if view.context.exists("Cargo.toml") && view.context.exists("target") && runs_cargo(model) {
        local.push("target".to_string());
    }
    for (name, line) in LOCAL_DIRS {
        if view.context.exists(name) {
            local.push(line.to_string());
        }
    }
    if has_pycache {
        local.push("**/__pycache__".to_string());
    }
    if has_logs {
        local.push("**/*.log".to_string());
    }
    sections.push(("Local files", local));

    // A line naming a copied source exactly goes; a broader one stays, and the sources it
    // would exclude are added back with `!` lines at the end.
    for (_, lines) in &mut sections {
        lines.retain(|line| !named.iter().any(|source| source == line));
    }
    let all: Vec<&str> = sections
        .iter()
        .flat_map(|(_, lines)| lines.iter().map(String::as_str))
        .collect();
    let mut keep: Vec<String> = Vec::new();
    if let Ok(matcher) = PatternMatcher::new(&all) {
        for source in &named {
            let excluded = matcher.matches_or_parent_matches(source)
                || (has_glob(source)
                    && PatternMatcher::new([source.as_str()]).is_ok_and(|glob| {
                        files.iter().any(|file| {
                            glob.matches_or_parent_matches(file)
                                && matcher.matches_or_parent_matches(file)
                        })
                    }));
            if excluded && !keep.iter().any(|k| k[1..] == *source) {
                keep.push(format!("!{source}"));
            }
        }
    }
    sections.push(("Copied by name in the Dockerfile", keep));
    // Should a `!` line not bring a source back, the lines excluding it go.
    let all: Vec<String> = sections
        .iter()
        .flat_map(|(_, lines)| lines.iter().cloned())
        .collect();
    let still_excluded = |source: &String| {
        PatternMatcher::new(&all).map_or(true, |m| m.matches_or_parent_matches(source))
    };
    if named.iter().any(still_excluded) {
        for (_, lines) in &mut sections {
            lines.retain(|line| line.starts_with('!') || !excludes_named(line, &named, &files));
        }
    }

    let mut out = String::from(
        "# Keeps version control data, secrets and local files out of the build context.\n",
    );
    for (title, lines) in sections {
        if lines.is_empty()
            || (title != "Copied by name in the Dockerfile"
                && lines.iter().all(|l| l.starts_with('!')))
        {
            continue;
        }
        out.push_str(&format!("\n# {title}\n"));
        for line in lines {
            out.push_str(&line);
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
    use crate::context::MemoryContext;
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
