use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::{base_range, chain_instructions, stage_chain};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a final stage built `FROM scratch` that lacks a file its settings need:
    ///
    /// - `USER` names a user (or group) by name, but no `/etc/passwd` (or `/etc/group`) is
    ///   copied in: the container cannot start, as the name cannot be looked up;
    /// - `ENV TZ` names a time zone (`Europe/Paris`), but no `zoneinfo` data is copied in:
    ///   the program falls back to UTC. The rule stays silent when the Dockerfile mentions
    ///   `tzdata` (Go's `-tags timetzdata`) or sets `ZONEINFO`; a Go program importing
    ///   `time/tzdata` cannot be seen, hence the info level;
    /// - the image runs a program (`ENTRYPOINT` or `CMD`) but no CA certificates are copied
    ///   in: if the program makes TLS connections, they fail with "certificate signed by
    ///   unknown authority". Silent when `SSL_CERT_FILE` or `SSL_CERT_DIR` is set, or a
    ///   label declares the image runs without network (`…network.none`).
    ///
    /// A file counts as copied when a `COPY` or `ADD` source or destination names it (or
    /// names `/etc/ssl`, `certs`, `.crt` or `.pem` for certificates), or when something is
    /// copied to one of its parent directories (`/`, `/etc`, …) or extracted from an
    /// archive, whose content the rule cannot see.
    ///
    /// ## Why
    /// `scratch` is empty: the files a Linux distribution provides and that programs
    /// silently rely on, the user database, the time zone database and the CA
    /// certificates, are not there unless copied from the build stage.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// RUN useradd app
    /// COPY . /src
    /// RUN cd /src && CGO_ENABLED=0 go build -o /app .
    ///
    /// FROM scratch
    /// COPY --from=build /app /app
    /// USER app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// RUN useradd app
    /// COPY . /src
    /// RUN cd /src && CGO_ENABLED=0 go build -o /app .
    ///
    /// FROM scratch
    /// COPY --from=build /etc/passwd /etc/passwd
    /// COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
    /// COPY --from=build /app /app
    /// USER app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// Display-only: when the final stage copies from a build stage, the fix shows the
    /// `COPY --from` line that brings the file in. Whether the build stage has the file
    /// (and the user) must be checked by hand.
    pub struct ScratchMissingRuntimeFiles {
        code: "PL303",
        name: "scratch-missing-runtime-files",
        category: Correctness,
        severity: Info,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// What a `COPY`/`ADD` brings into the image, as far as the rule can tell.
struct Copied {
    /// Every source and the destination, resolved against WORKDIR where relative.
    paths: Vec<String>,
    /// Destinations of directory copies (`/`, `/etc`, …), without trailing `/`.
    destinations: Vec<String>,
    /// Something was copied whose content cannot be known (an archive, an unresolved
    /// variable).
    opaque: bool,
}

impl Copied {
    /// Whether `needed` may be in the image: a path mentions one of `fragments`, or a
    /// copy targets one of its parent directories.
    fn may_have(&self, needed: &str, fragments: &[&str]) -> bool {
        self.opaque
            || self
                .paths
                .iter()
                .any(|p| fragments.iter().any(|f| p.contains(f)))
            || self
                .destinations
                .iter()
                .any(|d| d.is_empty() || needed == d || needed.starts_with(&format!("{d}/")))
    }
}

fn copied(model: &SemanticModel, stages: &[&Stage]) -> Copied {
    let mut out = Copied {
        paths: Vec::new(),
        destinations: Vec::new(),
        opaque: false,
    };
    for stage in stages {
        let mut workdir = String::from("/");
        for id in stage.instructions.clone() {
            let instruction = model.instruction(id);
            match instruction.keyword {
                Keyword::Workdir => {
                    let Arguments::Text(word) = &instruction.args else {
                        continue;
                    };
                    match model.expand_at(id, &word.value) {
                        Some(dir) => workdir = join(&workdir, &dir),
                        None => out.opaque = true,
                    }
                }
                Keyword::Copy | Keyword::Add => {
                    let words: Vec<&str> = match &instruction.args {
                        Arguments::List(words) | Arguments::Exec(words) => {
                            words.iter().map(|w| w.value.as_str()).collect()
                        }
                        _ => continue,
                    };
                    let Some((dest, sources)) = words.split_last() else {
                        continue;
                    };
                    let Some(dest) = model.expand_at(id, dest) else {
                        out.opaque = true;
                        continue;
                    };
                    let dest = join(&workdir, &dest);
                    for source in sources {
                        let Some(source) = model.expand_at(id, source) else {
                            out.opaque = true;
                            continue;
                        };
                        let is_archive = [".tar", ".tgz", ".txz", ".tbz", ".tar.gz", ".tar.xz"]
                            .iter()
                            .any(|e| source.ends_with(e));
                        if instruction.keyword == Keyword::Add && is_archive {
                            out.opaque = true;
                        }
                        out.paths.push(source);
                    }
                    out.destinations
                        .push(dest.trim_end_matches('/').to_string());
                    out.paths.push(dest);
                }
                _ => {}
            }
        }
    }
    out
}

/// `path` resolved against `dir`.
fn join(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else if path == "." || path == "./" {
        format!("{}/", dir.trim_end_matches('/'))
    } else {
        let path = path.strip_prefix("./").unwrap_or(path);
        format!("{}/{}", dir.trim_end_matches('/'), path)
    }
}

fn is_numeric(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// Time zones that need no database: programs treat them as UTC anyway.
fn needs_zoneinfo(tz: &str) -> bool {
    let tz = tz.trim().trim_start_matches(':');
    !tz.is_empty()
        && tz.contains('/')
        && !tz.starts_with("Etc/UTC")
        && !tz.starts_with("Etc/GMT")
        && !tz.starts_with("Etc/Universal")
        && !tz.starts_with("Etc/Zulu")
}

impl Rule for ScratchMissingRuntimeFiles {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        if *stage.root_base(model) != BaseImage::Scratch {
            return;
        }
        let chain = stage_chain(model, stage);
        let instructions = chain_instructions(model, &chain);
        // In build order: the first parent first.
        let stages: Vec<&Stage> = chain.into_iter().rev().collect();
        let copies = copied(model, &stages);
        let env = |name: &str| {
            stages
                .iter()
                .flat_map(|s| s.variables.iter())
                .rfind(|v| v.is_env && v.name == name)
        };
        let from = model.instruction(stage.from);
        let source_stage = stage
            .copies_from
            .iter()
            .chain(stages.iter().flat_map(|s| s.copies_from.iter()))
            .find_map(|c| match c.source {
                BaseImage::Stage(index) => model.stages.get(index),
                _ => None,
            });
        let show_copy = |checker: &Checker<'_>, path: &str, dest: &str| -> Option<Fix> {
            let source = source_stage?;
            let reference = source
                .name
                .clone()
                .unwrap_or_else(|| source.index.to_string());
            let at = checker.next_line_start(from.range.end);
            let prefix = if checker.source[..at as usize].ends_with('\n') {
                ""
            } else {
                checker.line_break()
            };
            Some(Fix::display_only(
                format!("Copy `{path}` from stage `{reference}`"),
                vec![Edit::insert(
                    at,
                    format!(
                        "{prefix}COPY --from={reference} {path} {dest}{}",
                        checker.line_break()
                    ),
                )],
            ))
        };

        // The user database.
        if let Some(user) = &stage.user {
            let value = user.value.trim();
            if !value.contains('$') && !value.is_empty() && !user.is_root() {
                let (name, group) = match value.split_once(':') {
                    Some((name, group)) => (name, Some(group)),
                    None => (value, None),
                };
                let missing = if !is_numeric(name) && !copies.may_have("/etc/passwd", &["passwd"]) {
                    Some(("user", name, "/etc/passwd"))
                } else if group.is_some_and(|g| !is_numeric(g))
                    && !copies.may_have("/etc/group", &["/etc/group"])
                {
                    group.map(|g| ("group", g, "/etc/group"))
                } else {
                    None
                };
                if let Some((kind, id, file)) = missing {
                    let fix = show_copy(checker, file, file);
                    let range = model.instruction(user.instruction).range;
                    let diagnostic = checker.report(
                        range,
                        format!(
                            "USER names the {kind} `{id}`, but the `scratch` image has no \
                             `{file}`: the container cannot start"
                        ),
                    );
                    if let Some(fix) = fix {
                        diagnostic.set_fix(fix);
                    }
                }
            }
        }

        // The time zone database.
        let mentions_tzdata = model.file.instructions.iter().any(|i| {
            let text = i.original.to_ascii_lowercase();
            text.contains("tzdata") || text.contains("zoneinfo")
        });
        if let Some(tz) = env("TZ") {
            let needed = tz.value.as_deref().is_some_and(needs_zoneinfo);
            if needed
                && !mentions_tzdata
                && env("ZONEINFO").is_none()
                && !copies.may_have("/usr/share/zoneinfo", &["zoneinfo", "tzdata"])
            {
                let range = env_pair_range(model.instruction(tz.instruction), "TZ")
                    .unwrap_or(model.instruction(tz.instruction).range);
                let fix = show_copy(checker, "/usr/share/zoneinfo", "/usr/share/zoneinfo");
                let diagnostic = checker.report(
                    range,
                    format!(
                        "TZ is `{}`, but the `scratch` image has no `/usr/share/zoneinfo`: \
                         unless the program embeds the time zone database, it falls back to UTC",
                        tz.value.as_deref().unwrap_or("")
                    ),
                );
                if let Some(fix) = fix {
                    diagnostic.set_fix(fix);
                }
            }
        }

        // CA certificates.
        let runs = instructions
            .iter()
            .any(|i| matches!(i.keyword, Keyword::Entrypoint | Keyword::Cmd));
        let cert_env = env("SSL_CERT_FILE").is_some() || env("SSL_CERT_DIR").is_some();
        // A BuildKit frontend declared to run without network.
        let no_network = instructions
            .iter()
            .any(|i| i.keyword == Keyword::Label && i.original.contains("network.none"));
        if runs
            && !cert_env
            && !no_network
            && !copies.may_have(
                "/etc/ssl/certs/ca-certificates.crt",
                &[
                    "ca-certificates",
                    "/etc/ssl",
                    "certs",
                    "cacert",
                    ".crt",
                    ".pem",
                    "/etc/pki",
                ],
            )
        {
            let range = base_range(model, stage);
            let fix = show_copy(
                checker,
                "/etc/ssl/certs/ca-certificates.crt",
                "/etc/ssl/certs/",
            );
            let diagnostic = checker.report(
                range,
                "The `scratch` image has no CA certificates: if the program makes TLS \
                 connections, they fail to verify",
            );
            if let Some(fix) = fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}

/// The range of the `name=value` pair of an ENV.
fn env_pair_range(instruction: &Instruction, name: &str) -> Option<TextRange> {
    match &instruction.args {
        Arguments::KeyValues(pairs) => pairs
            .iter()
            .rev()
            .find(|p| p.key.value == name)
            .map(|p| p.range),
        _ => None,
    }
}
