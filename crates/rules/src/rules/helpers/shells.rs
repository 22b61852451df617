//! The shell RUN scripts run with, and the tools a stage's base image ships.

use super::images::{base_image, is_windows_image};
use super::stages::stage_chain;
use crate::model::{BaseImage, InstructionId, SemanticModel, Stage};
use plimsoll_parser::shell::{basename, Word};
use plimsoll_parser::{Arguments, Keyword};
use std::borrow::Cow;

/// The SHELL in effect at an instruction.
pub(crate) struct ShellInEffect {
    /// The words of the SHELL (`["/bin/sh", "-c"]` when none is set).
    pub(crate) words: Vec<String>,
    /// The SHELL instruction, in the instruction's stage or a stage it is built on; `None`
    /// for the default shell.
    pub(crate) instruction: Option<InstructionId>,
}

impl ShellInEffect {
    /// The program without directory, lowercased, without `.exe`: `bash`, `sh`, `pwsh`.
    pub(crate) fn program(&self) -> String {
        let first = self.words.first().map_or("", String::as_str);
        let name = first.rsplit(['/', '\\']).next().unwrap_or(first);
        let lower = name.to_ascii_lowercase();
        lower.strip_suffix(".exe").unwrap_or(&lower).to_string()
    }

    /// Whether the shell is one hadolint calls non-POSIX: PowerShell or `cmd`.
    pub(crate) fn is_windows_shell(&self) -> bool {
        matches!(self.program().as_str(), "pwsh" | "powershell" | "cmd")
    }

    /// Whether the shell is started with `-e` (alone or in a cluster: `-ec`, `-eux`) or
    /// `-o errexit`.
    pub(crate) fn sets_errexit(&self) -> bool {
        self.sets(Some('e'), "errexit")
    }

    /// Whether the shell is started with `-o pipefail` (`-o pipefail`, `-eo pipefail`,
    /// `-euxo pipefail`).
    pub(crate) fn sets_pipefail(&self) -> bool {
        self.sets(None, "pipefail")
    }

    /// [`sets_option`] on the words after the program.
    fn sets(&self, letter: Option<char>, name: &str) -> bool {
        let options: Vec<Option<&str>> = self
            .words
            .iter()
            .skip(1)
            .map(|w| Some(w.as_str()))
            .collect();
        sets_option(&options, letter, name)
    }
}

/// The script a shell is given with `-c` (alone or ending a cluster: `sh -ec SCRIPT`), from
/// the shell's arguments. A script holding expansions (`bash -c "… $PKGS …"`) has no static
/// value: its text is taken without the surrounding double quotes and with the backslashes
/// that escape `"`, `$`, `` ` `` and `\` removed, the expansions staying as written, which
/// is enough to read the script's commands.
pub(crate) fn inline_script(args: &[Word]) -> Option<Cow<'_, str>> {
    let at = args.iter().position(|w| {
        w.as_str()
            .is_some_and(|v| is_option_cluster(v) && v.ends_with('c'))
    })?;
    let script = args.get(at + 1)?;
    if let Some(value) = script.as_str() {
        return Some(Cow::Borrowed(value));
    }
    let quoted = script.text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('"' | '$' | '`' | '\\')) => out.extend(chars.next()),
            // A line continuation inside the quotes joins the lines.
            ('\\', Some('\n')) => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// Whether `word` is a cluster of single-letter options: `-e`, `-euxo`, `-lc` (not `--x`,
/// not `-1`).
pub(crate) fn is_option_cluster(word: &str) -> bool {
    word.len() >= 2 && word.starts_with('-') && word[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// Whether the options of `sh` or `set` (static words, `None` for a dynamic one) turn on the
/// shell option `name`: with `-o name` (the `o` may end a cluster: `-eo name`), or with its
/// `letter` in a cluster (`-e`, `-eux` for `errexit`).
pub(crate) fn sets_option(options: &[Option<&str>], letter: Option<char>, name: &str) -> bool {
    options.iter().enumerate().any(|(i, option)| {
        let Some(option) = option.filter(|o| is_option_cluster(o)) else {
            return false;
        };
        letter.is_some_and(|l| option.contains(l))
            || (option.ends_with('o') && options.get(i + 1).copied().flatten() == Some(name))
    })
}

/// The SHELL in effect at instruction `id`: the last SHELL before it in its stage, or in the
/// stages that stage is built on (`FROM base` inherits the SHELL of `base`).
pub(crate) fn shell_at(model: &SemanticModel, id: InstructionId) -> ShellInEffect {
    let default = ShellInEffect {
        words: vec!["/bin/sh".to_string(), "-c".to_string()],
        instruction: None,
    };
    let Some(stage) = model.stage_of(id) else {
        return default;
    };
    for (hop, stage) in stage_chain(model, stage).into_iter().enumerate() {
        let end = if hop == 0 { id } else { stage.instructions.end };
        for &shell_id in model
            .ids_of(Keyword::Shell, stage.instructions.start..end)
            .iter()
            .rev()
        {
            let instruction = model.instruction(shell_id);
            if let Arguments::Exec(words) = &instruction.args {
                if !words.is_empty() {
                    return ShellInEffect {
                        words: words.iter().map(|w| w.value.clone()).collect(),
                        instruction: Some(shell_id),
                    };
                }
            }
        }
    }
    default
}

/// What kind of userland a base image has, as far as the tools rules care about go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Userland {
    /// BusyBox tools (Alpine, BusyBox): `ash`, BusyBox `wget`, no `bash`.
    Busybox,
    /// A GNU userland with `bash` (Debian, Ubuntu, Fedora, RHEL and the official images
    /// built on them).
    Gnu,
}

/// Official images (by Docker Hub name) built on Debian, Ubuntu or an RPM distribution,
/// unless their tag says otherwise (`-alpine`, `windowsservercore`).
const GNU_OFFICIAL: &[&str] = &[
    "debian",
    "ubuntu",
    "buildpack-deps",
    "python",
    "node",
    "golang",
    "ruby",
    "rust",
    "php",
    "perl",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "ibmjava",
    "maven",
    "gradle",
    "gcc",
    "elixir",
    "erlang",
    "haskell",
    "julia",
    "r-base",
    "swift",
    "clojure",
    "groovy",
    "nginx",
    "httpd",
    "tomcat",
    "postgres",
    "redis",
    "mongo",
    "rabbitmq",
    "cassandra",
    "elasticsearch",
    "sonarqube",
    "jenkins",
    "mariadb",
    "mysql",
    "wordpress",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
    "opensuse/leap",
    "opensuse/tumbleweed",
    "jenkins/jenkins",
    "ros",
    "nvidia/cuda",
    "continuumio/miniconda3",
    "continuumio/anaconda3",
];

/// Words of a tag or repository that mean the image has no GNU userland, or none at all.
const NOT_GNU_WORDS: &[&str] = &[
    "alpine",
    "busybox",
    "distroless",
    "chiseled",
    "scratch",
    "minimal",
    "wolfi",
];

/// The userland of the image `stage` is built on (following `FROM stage` to the image);
/// `None` when unknown, for `scratch`, Windows and distroless images.
pub(crate) fn userland(model: &SemanticModel, stage: &Stage) -> Option<Userland> {
    let root = stage_chain(model, stage).last().copied()?;
    if !matches!(root.base, BaseImage::Image(_)) {
        return None;
    }
    let image = base_image(model, root)?;
    if is_windows_image(&image) {
        return None;
    }
    let repository = image.repository.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let hub = image.docker_hub_name().map(str::to_ascii_lowercase);
    let hub = hub.as_deref();
    let busybox = matches!(hub, Some("alpine" | "busybox"))
        || tag.contains("alpine")
        || tag.contains("busybox")
        || basename(&repository).starts_with("alpine")
        || basename(&repository).ends_with("-alpine");
    if busybox {
        return Some(Userland::Busybox);
    }
    if NOT_GNU_WORDS
        .iter()
        .any(|w| tag.contains(w) || repository.contains(w))
    {
        return None;
    }
    let microsoft = image.registry.as_deref() == Some("mcr.microsoft.com")
        && (repository.starts_with("dotnet/") || repository.starts_with("devcontainers/"));
    let red_hat = matches!(
        image.registry.as_deref(),
        Some("registry.access.redhat.com" | "registry.redhat.io")
    ) && (repository.ends_with("/ubi")
        || repository == "ubi8"
        || repository == "ubi9"
        || repository.ends_with("/ubi8")
        || repository.ends_with("/ubi9"));
    if microsoft || red_hat || hub.is_some_and(|h| GNU_OFFICIAL.contains(&h)) {
        return Some(Userland::Gnu);
    }
    None
}

/// Whether a RUN of `stage` (or of a stage it is built on) before instruction `before`
/// installs `package` with `apk add`, `apt-get install`, `apt install`, `yum`, `dnf`,
/// `microdnf` or `zypper install` (a version suffix such as `bash=5.2-r0` is allowed).
pub(crate) fn installs_before(
    model: &SemanticModel,
    stage: &Stage,
    before: InstructionId,
    package: &str,
) -> bool {
    let chain: Vec<usize> = stage_chain(model, stage).iter().map(|s| s.index).collect();
    model
        .runs
        .iter()
        .filter(|run| chain.contains(&run.stage) && run.instruction < before)
        .flat_map(|run| run.script.commands())
        .any(|command| {
            let invocation = command.unwrapped();
            let subcommand = match invocation.program() {
                Some("apk") => "add",
                Some("apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper") => "install",
                _ => return false,
            };
            invocation
                .args_after_subcommand(subcommand)
                .is_some_and(|args| {
                    args.iter().filter_map(|w| w.as_str()).any(|arg| {
                        let name = arg.split(['=', '~', '<', '>']).next().unwrap_or(arg);
                        name == package
                    })
                })
        })
}
