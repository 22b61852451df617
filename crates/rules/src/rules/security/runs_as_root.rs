use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::commands::{
    command_lines, image_command, is_wrapper_entrypoint, ExecForm, PROMPTS,
};
use crate::rules::helpers::stages::{
    base_range, chain_instructions, is_dev_or_test, runs_in, stage_chain,
};
use crate::rules::helpers::users::{default_user, drops_or_needs_root, DefaultUser};
use plimsoll_parser::shell::basename;
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a final stage that sets no `USER` (in itself or in the stages it is built
    /// on) when its base image runs as root by default, so the container's process runs as
    /// root. A final stage whose last `USER` is `root` is reported by `DL3002` instead.
    ///
    /// The rule only looks at images that run a program of their own: the final stage (or
    /// a stage it builds on) sets an `ENTRYPOINT`, or a `CMD` (also behind an entrypoint
    /// script or an init such as `tini`), that is not a bare shell or interpreter prompt
    /// (`bash`, `python3`, `node`, `jshell`, …), an idle loop (`sleep infinity`) or a mere
    /// `cat`/`echo`. Base and tool images leave the user to the images built on them. It
    /// stays silent for:
    ///
    /// - base images known to run as a non-root user by default: any tag or repository
    ///   with `nonroot`, `rootless` or `unprivileged` in it (distroless `:nonroot`,
    ///   `nginxinc/nginx-unprivileged`), Chainguard images (`cgr.dev/…`, `chainguard/…`,
    ///   except `-dev` tags and `wolfi-base`), Bitnami images (except `bitnami/minideb`),
    ///   .NET `chiseled` and `distroless` images, Elastic images, and images that set
    ///   `USER` themselves (`jenkins/jenkins` and its agents, `sonarqube`,
    ///   `grafana/grafana`, Prometheus images other than `busybox`, `jupyter/…`,
    ///   `selenium/…`, `elasticsearch`, `kibana`, `logstash`, `memcached`, `haproxy`,
    ///   `solr`);
    /// - base images whose entrypoint drops root itself (`postgres`, `mysql`, `mariadb`,
    ///   `percona`, `redis`, `mongo`, `rabbitmq`, `couchdb`, `cassandra`, `influxdb`,
    ///   `zookeeper`, `neo4j`, `vault`, `consul`, `eclipse-mosquitto`), unless the
    ///   Dockerfile replaces the entrypoint with one of its own;
    /// - Dockerfiles that drop root some other way (they use `gosu`, `su-exec`,
    ///   `setpriv`, `runuser`, `s6-setuidgid`, `chpst`, `setuidgid`, s6-overlay,
    ///   supervisord or systemd), or run a program that needs root (an init, `dockerd`,
    ///   `buildkitd`, `containerd`, `kubelet`, `podman`, `buildah`, kaniko's executor);
    /// - base images for others (the Dockerfile has `ONBUILD` triggers);
    /// - images not meant to be shipped: a Dockerfile whose path, or final stage name,
    ///   has a word such as `dev`, `debug`, `test`, `e2e`, `ci`, `hack`, `builder` or
    ///   `devcontainer`, a dev container base image, and GitHub container actions (a path
    ///   under `.github`, or an `action.yml` beside the Dockerfile: GitHub runs them as
    ///   root);
    /// - Windows images, and bases given by a variable without a value.
    ///
    /// ## Why
    /// A process running as root inside a container is root on the files it can reach
    /// and the kernel it shares: a bug in the program, or a container escape, starts with
    /// the highest privileges. Running as an unprivileged user costs one line and is what
    /// Kubernetes' `runAsNonRoot` and most security policies ask for.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// COPY app /usr/local/bin/app
    /// ENTRYPOINT ["app"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// RUN addgroup -S app && adduser -S -G app app
    /// COPY app /usr/local/bin/app
    /// USER app
    /// ENTRYPOINT ["app"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// Adds `USER` before the `ENTRYPOINT`/`CMD` that follow the last `RUN`, `COPY` and
    /// `ADD` of the final stage (or at its end). When the Dockerfile already creates a user
    /// with `useradd` or `adduser`, the fix switches to it. Otherwise, on `scratch` and
    /// distroless bases it adds `USER 65532:65532`; on Alpine and BusyBox bases it first
    /// creates a system user with `addgroup -S app && adduser -S -G app app`, on Debian and
    /// Ubuntu bases with `groupadd --system app && useradd --system --gid app app`, then
    /// adds `USER app`. On .NET 8 and later images, which have an `app` user, it adds
    /// `USER $APP_UID`. The fix is unsafe: the program may need to write files owned by
    /// root. It is display-only on other bases, and when the image exposes a port below
    /// 1024, which a non-root user cannot bind everywhere.
    pub struct RunsAsRoot {
        code: "PL401",
        name: "runs-as-root",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// Words of a Dockerfile's path, or of its final stage's name, that mark an image not
/// shipped, besides those of [`is_dev_or_test`].
const NOT_SHIPPED_WORDS: &[&str] = &["suites", "local"];

/// The same for a path, with GitHub container actions (under `.github`).
const NOT_SHIPPED_PATH_WORDS: &[&str] = &["suites", "local", "github"];

/// Whether the Dockerfile, by its path in the context or its final stage's name, is for
/// development, tests or CI, a dev container, or a GitHub container action (which must
/// run as root).
fn is_not_shipped(checker: &Checker<'_>, stage: &Stage) -> bool {
    let path = checker.context.and_then(|c| c.dockerfile).unwrap_or("");
    let by_path = is_dev_or_test(path, NOT_SHIPPED_PATH_WORDS);
    let by_name = stage
        .name
        .as_deref()
        .is_some_and(|name| is_dev_or_test(name, NOT_SHIPPED_WORDS));
    let action = checker.context.is_some_and(|c| {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        c.context.exists(&format!("{prefix}action.yml"))
            || c.context.exists(&format!("{prefix}action.yaml"))
    });
    by_path || by_name || action
}

/// Whether an image is a dev container image.
fn is_dev_container_image(base: &BaseImage) -> bool {
    match base {
        BaseImage::Image(image) => {
            let repository = image.repository.to_ascii_lowercase();
            repository.contains("devcontainers") || repository.contains("codespaces")
        }
        _ => false,
    }
}

/// Programs that, run alone, also only give a prompt here, besides [`PROMPTS`]: an image
/// whose command is one of them is a base or tool image.
const MORE_PROMPTS: &[&str] = &[
    "ksh", "ipython", "perl5", "R", "lua", "swift", "deno", "bun",
];

/// Whether the commands only open a prompt or keep the container idle (`sleep infinity`,
/// `tail -f /dev/null`): not an application.
fn is_prompt_or_idle(lines: &[Vec<String>]) -> bool {
    let [line] = lines else {
        return lines.is_empty();
    };
    let Some(program) = line.first().map(|p| basename(p)) else {
        return true;
    };
    let args = line.get(1..).unwrap_or(&[]);
    let program = program.trim_start_matches('$');
    let prompt = PROMPTS.contains(&program) || MORE_PROMPTS.contains(&program);
    if prompt && args.iter().all(|a| a.starts_with('-')) {
        return true;
    }
    match program {
        "sleep" => args
            .iter()
            .any(|a| a == "infinity" || a.parse::<u64>().is_ok()),
        "tail" => args.iter().any(|a| a == "/dev/null"),
        "cat" | "echo" | "printf" | "true" | "false" | "ls" => true,
        _ => false,
    }
}

/// Whether the image runs a program of its own: its ENTRYPOINT (or the CMD it wraps) is
/// not a prompt or an idle loop.
fn runs_application(instructions: &[&Instruction]) -> bool {
    let (entrypoint, cmd) = image_command(instructions);
    let cmd_runs = |cmd: Option<&Instruction>| {
        cmd.is_some_and(|c| {
            let lines = command_lines(c, ExecForm::AsWritten);
            !lines.is_empty() && !is_prompt_or_idle(&lines)
        })
    };
    match entrypoint {
        None => cmd_runs(cmd),
        Some(entrypoint) => {
            let lines = command_lines(entrypoint, ExecForm::AsWritten);
            if is_wrapper_entrypoint(&lines) {
                // Without a CMD, what the wrapper runs comes from the base image.
                cmd_runs(cmd)
            } else {
                !is_prompt_or_idle(&lines)
            }
        }
    }
}

impl Rule for RunsAsRoot {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        if stage.user.is_some() || is_not_shipped(checker, stage) {
            return;
        }
        let base = stage.root_base(model);
        if is_dev_container_image(base) {
            return;
        }
        let chain = stage_chain(model, stage);
        let instructions = chain_instructions(model, &chain);
        let (entrypoint, cmd) = image_command(&instructions);
        match default_user(base) {
            DefaultUser::Root => {}
            DefaultUser::NonRoot | DefaultUser::Unknown => return,
            DefaultUser::DropsPrivileges => {
                let replaced = entrypoint.is_some_and(|e| !e.original.contains("entrypoint"));
                if !replaced {
                    return;
                }
            }
        }
        if !stage.has_posix_shell() && !matches!(base, BaseImage::Scratch) {
            return;
        }
        // A base image for others: the images built on it run the program.
        if instructions.iter().any(|i| i.keyword == Keyword::Onbuild) {
            return;
        }
        if !runs_application(&instructions) || drops_or_needs_root(&instructions, entrypoint, cmd) {
            return;
        }
        let range = base_range(model, stage);
        let created = created_user(checker, &chain);
        let message = match &created {
            Some(name) => format!(
                "The final stage creates user `{name}` but sets no USER: the container runs as root"
            ),
            None => "The final stage sets no USER: the container runs as root".to_string(),
        };
        let low_port = exposes_privileged_port(checker, &instructions);
        let fix = user_fix(checker, stage, base, created.as_deref(), low_port);
        let diagnostic = checker.report(range, message);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// The user the chain creates with `useradd`/`adduser`, when it is a plain static name.
fn created_user(checker: &Checker<'_>, chain: &[&Stage]) -> Option<String> {
    let stages: Vec<usize> = chain.iter().map(|s| s.index).collect();
    let mut found = None;
    for run in runs_in(checker.model, &stages) {
        for command in run.script.commands() {
            let invocation = command.unwrapped();
            let Some(program) = invocation.program() else {
                continue;
            };
            if program != "useradd" && program != "adduser" {
                continue;
            }
            let args = invocation.args;
            let Some(last) = args.last().and_then(|w| w.as_str()) else {
                continue;
            };
            if last.starts_with('-') {
                continue;
            }
            // Debian's `adduser USER GROUP` adds an existing user to a group.
            if program == "adduser" && args.len() >= 2 {
                let before = args.get(args.len() - 2).and_then(|w| w.as_str());
                let flag_before = args
                    .len()
                    .checked_sub(3)
                    .and_then(|i| args.get(i))
                    .and_then(|w| w.as_str())
                    .is_some_and(|w| w.starts_with('-'));
                if before.is_some_and(|b| !b.starts_with('-')) && !flag_before {
                    continue;
                }
            }
            let valid = last
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && last
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if valid {
                found = Some(last.to_string());
            }
        }
    }
    found
}

/// How to add a user on a base image.
enum Distro {
    /// `scratch` or distroless: a numeric user.
    Empty,
    /// Alpine or BusyBox: `addgroup`/`adduser -S`.
    Alpine,
    /// Debian or Ubuntu: `groupadd`/`useradd --system`.
    Debian,
    /// .NET 8 and later: the image has a user `app` whose uid is `$APP_UID`.
    Dotnet,
}

/// Official images based on Debian or Ubuntu unless their tag says otherwise.
const DEBIAN_BASED_OFFICIAL: &[&str] = &[
    "debian",
    "ubuntu",
    "python",
    "node",
    "ruby",
    "golang",
    "rust",
    "php",
    "perl",
    "openjdk",
    "eclipse-temurin",
    "nginx",
    "httpd",
    "tomcat",
    "buildpack-deps",
    "gcc",
    "maven",
    "gradle",
];

fn distro(base: &BaseImage) -> Option<Distro> {
    let image = match base {
        BaseImage::Scratch => return Some(Distro::Empty),
        BaseImage::Image(image) => image,
        _ => return None,
    };
    let repository = image.repository.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if repository.contains("distroless") {
        return Some(Distro::Empty);
    }
    if image.registry.as_deref() == Some("mcr.microsoft.com") && repository.starts_with("dotnet/") {
        let major = tag
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|m| m.parse::<u32>().ok());
        return major.filter(|&m| m >= 8).map(|_| Distro::Dotnet);
    }
    let hub = image.docker_hub_name()?;
    if hub == "alpine" || hub == "busybox" {
        return Some(Distro::Alpine);
    }
    if !DEBIAN_BASED_OFFICIAL.contains(&hub) {
        return None;
    }
    if tag.contains("alpine") {
        return Some(Distro::Alpine);
    }
    if [
        "windows",
        "nanoserver",
        "servercore",
        "ubi",
        "oracle",
        "centos",
    ]
    .iter()
    .any(|w| tag.contains(w))
    {
        return None;
    }
    Some(Distro::Debian)
}

/// Whether the instructions EXPOSE a port below 1024 (or one the rule cannot read).
fn exposes_privileged_port(checker: &Checker<'_>, instructions: &[&Instruction]) -> bool {
    instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Expose)
        .any(|i| {
            let Arguments::List(words) = &i.args else {
                return true;
            };
            let id = checker.model.id_of(i);
            words.iter().any(|w| {
                let value = id.and_then(|id| checker.model.expand_at(id, &w.value));
                value.is_none_or(|v| {
                    v.split_whitespace().any(|entry| {
                        let port = entry.split(['/', '-']).next().unwrap_or("");
                        port.parse::<u32>().map_or(true, |p| p < 1024)
                    })
                })
            })
        })
}

fn user_fix(
    checker: &Checker<'_>,
    stage: &Stage,
    base: &BaseImage,
    created: Option<&str>,
    low_port: bool,
) -> Option<Fix> {
    let model = checker.model;
    let own = model.file.instructions.get(stage.instructions.clone())?;
    let last_change = own
        .iter()
        .rposition(|i| matches!(i.keyword, Keyword::Run | Keyword::Copy | Keyword::Add));
    let start_search = last_change.map_or(0, |i| i + 1);
    let before = own
        .iter()
        .enumerate()
        .skip(start_search.max(1))
        .find(|(_, i)| matches!(i.keyword, Keyword::Entrypoint | Keyword::Cmd))
        .map(|(_, i)| i);
    let lb = checker.line_break();
    let (offset, indent, prefix) = match before {
        Some(instruction) => {
            let start = checker.line_start(instruction.range.start);
            // Only when the instruction starts its line.
            let head = checker
                .source
                .get(start as usize..instruction.range.start as usize)?;
            if !head.trim().is_empty() {
                return None;
            }
            (start, checker.indentation(instruction.range.start), "")
        }
        None => {
            let last = own.last()?;
            let end = checker.next_line_start(last.range.end);
            let needs_break = !checker.source[..end as usize].ends_with('\n');
            (end, "", if needs_break { lb } else { "" })
        }
    };
    let mut lines = Vec::new();
    let (title, applicable) = match (created, distro(base)) {
        (Some(name), _) => {
            lines.push(format!("USER {name}"));
            (format!("Switch to user `{name}`"), true)
        }
        (None, Some(Distro::Empty)) => {
            lines.push("USER 65532:65532".to_string());
            ("Run as uid 65532".to_string(), true)
        }
        (None, Some(Distro::Dotnet)) => {
            lines.push("USER $APP_UID".to_string());
            ("Run as the image's `app` user".to_string(), true)
        }
        (None, Some(Distro::Alpine)) => {
            lines.push("RUN addgroup -S app && adduser -S -G app app".to_string());
            lines.push("USER app".to_string());
            ("Create user `app` and switch to it".to_string(), true)
        }
        (None, Some(Distro::Debian)) => {
            lines.push("RUN groupadd --system app && useradd --system --gid app app".to_string());
            lines.push("USER app".to_string());
            ("Create user `app` and switch to it".to_string(), true)
        }
        (None, None) => {
            lines.push("USER app".to_string());
            ("Create a non-root user and switch to it".to_string(), false)
        }
    };
    let mut content = prefix.to_string();
    for line in &lines {
        content.push_str(indent);
        content.push_str(line);
        content.push_str(lb);
    }
    let edits = vec![Edit::insert(offset, content)];
    // A non-root user cannot bind a port below 1024 everywhere: leave it to the author.
    Some(if applicable && !low_port {
        Fix::unsafe_edit(title, edits)
    } else {
        Fix::display_only(title, edits)
    })
}
