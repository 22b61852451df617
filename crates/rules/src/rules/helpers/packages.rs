//! Package managers in RUN scripts, read once for every rule: which tool a command runs and
//! with which subcommand, which of its words are packages, whether a package names a
//! version (each ecosystem its own way), and whether a RUN leaves the tool's cache behind.

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::model::{RunScript, SemanticModel};
use crate::rules::helpers::commands::subcommand;
use crate::rules::helpers::expansion::expand_in_script;
use crate::rules::helpers::mounts::kept_out_targets;
use crate::rules::helpers::run_edits::{append_and, ends_script, is_editable_command_line};
use crate::rules::helpers::stages::{
    chain_instructions, ends_up_in_image, run_and_stage, stage_chain,
};
use plimsoll_parser::shell::{Command, Connector, Invocation, RedirectOp, Word};
use plimsoll_parser::{Instruction, Keyword, TextRange};

/// A package manager (or a tool that installs packages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    /// `apt-get`
    AptGet,
    /// `apt`
    Apt,
    /// `apk`
    Apk,
    /// `pip`, `pip3`, `pip3.12`, `python -m pip`
    Pip,
    /// `npm`
    Npm,
    /// `yarn`
    Yarn,
    /// `gem`
    Gem,
    /// `yum`
    Yum,
    /// `dnf`, `dnf5`
    Dnf,
    /// `microdnf`
    Microdnf,
    /// `zypper`
    Zypper,
    /// `go`
    Go,
}

impl Tool {
    fn of_program(program: &str) -> Option<Tool> {
        Some(match program {
            "apt-get" => Tool::AptGet,
            "apt" => Tool::Apt,
            "apk" => Tool::Apk,
            "npm" => Tool::Npm,
            "yarn" => Tool::Yarn,
            "gem" => Tool::Gem,
            "yum" => Tool::Yum,
            "dnf" | "dnf5" => Tool::Dnf,
            "microdnf" => Tool::Microdnf,
            "zypper" => Tool::Zypper,
            "go" => Tool::Go,
            _ => return None,
        })
    }

    /// Whether this is `yum`, `dnf` or `microdnf`, which share their options.
    pub(crate) fn is_rpm(self) -> bool {
        matches!(self, Tool::Yum | Tool::Dnf | Tool::Microdnf)
    }

    /// The tool's options, global or of a subcommand, whose value is the next word.
    fn value_options(self) -> &'static [&'static str] {
        match self {
            Tool::AptGet | Tool::Apt => &[
                "-o",
                "--option",
                "-c",
                "--config-file",
                "-t",
                "--target-release",
                "--default-release",
                "-a",
                "--host-architecture",
                "-P",
                "--build-profiles",
                "--solver",
                "--planner",
            ],
            Tool::Apk => &[
                "-t",
                "--virtual",
                "-X",
                "--repository",
                "--repositories-file",
                "-p",
                "--root",
                "--arch",
                "--keys-dir",
                "--cache-dir",
                "--cache-max-age",
                "--progress-fd",
                "--timeout",
            ],
            Tool::Pip => PIP_INSTALL_VALUE_OPTIONS,
            Tool::Npm => &[
                "--registry",
                "--loglevel",
                "--prefix",
                "--cache",
                "--userconfig",
                "--globalconfig",
                "--tag",
                "-w",
                "--workspace",
                "--omit",
                "--include",
                "--install-strategy",
                "--before",
                "--location",
                "--otp",
                "--proxy",
                "--https-proxy",
                "--ca",
                "--cafile",
                "--only",
                "--also",
                "--scope",
                "--script-shell",
                "--fetch-retries",
                "--fetch-timeout",
            ],
            Tool::Yarn => &[
                "--cache-folder",
                "--modules-folder",
                "--mutex",
                "--network-timeout",
                "--network-concurrency",
                "--registry",
                "--cwd",
                "--global-folder",
                "--link-folder",
                "--use-yarnrc",
                "--preferred-cache-folder",
                "--proxy",
                "--https-proxy",
            ],
            Tool::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "-p",
                "--http-proxy",
                "--platform",
                "-g",
                "--file",
                "-P",
                "--trust-policy",
                "--build-root",
                "--config-file",
            ],
            Tool::Yum | Tool::Dnf | Tool::Microdnf => &[
                "-c",
                "--config",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
                "-R",
                "--randomwait",
                "-x",
                "--exclude",
                "--excludepkgs",
                "--enablerepo",
                "--disablerepo",
                "--repo",
                "--repoid",
                "--repofrompath",
                "--releasever",
                "--installroot",
                "--setopt",
                "--color",
                "--downloaddir",
                "--destdir",
                "--rpmverbosity",
                "--disableplugin",
                "--enableplugin",
                "--forcearch",
                "--comment",
                "--advisory",
                "--advisories",
                "--bz",
                "--cve",
                "--sec-severity",
                "--secseverity",
            ],
            Tool::Zypper => &[
                "-t",
                "--type",
                "-r",
                "--repo",
                "--from",
                "-R",
                "--root",
                "--reposd-dir",
                "-D",
                "--cache-dir",
                "-C",
                "--raw-cache-dir",
                "--solv-cache-dir",
                "--pkg-cache-dir",
                "-c",
                "--config",
                "--userdata",
                "--download",
            ],
            Tool::Go => &[
                "-C",
                "-o",
                "-p",
                "-tags",
                "-ldflags",
                "-gcflags",
                "-asmflags",
                "-mod",
                "-modfile",
                "-overlay",
                "-pkgdir",
                "-toolexec",
                "-buildmode",
                "-compiler",
                "-gccgoflags",
                "-installsuffix",
                "-pgo",
                "-exec",
                "-covermode",
                "-coverpkg",
            ],
        }
    }

    /// Whether `option` (as written, `-o` or `--registry`) takes the next word as its value.
    fn takes_value(self, option: &str) -> bool {
        let options = self.value_options();
        if options.contains(&option) || (self == Tool::Pip && PIP_VALUE_OPTIONS.contains(&option)) {
            return true;
        }
        // Go reads `--flag` as `-flag`.
        self == Tool::Go
            && option
                .strip_prefix('-')
                .is_some_and(|rest| options.contains(&rest))
    }
}

/// A command that runs a package manager: the tool, its arguments and its subcommand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ToolCommand<'a> {
    /// Which tool.
    pub(crate) tool: Tool,
    /// The command as run, wrappers (`sudo`, `env`) looked through.
    pub(crate) invocation: Invocation<'a>,
    /// The word naming the tool: `apt-get`, or `pip` in `python -m pip`.
    pub(crate) name: &'a Word,
    /// The tool's arguments.
    pub(crate) args: &'a [Word],
    /// The index of the subcommand in `args`; `None` when there is none (`yarn`,
    /// `yarn --frozen-lockfile`).
    sub_at: Option<usize>,
}

/// The package manager `command` runs, if any. The subcommand is the first argument that is
/// neither an option nor the value of one; when a dynamic word comes first, the subcommand
/// is not known and the command is not read.
pub(crate) fn tool_command(command: &Command) -> Option<ToolCommand<'_>> {
    let invocation = command.unwrapped();
    let program = invocation.program()?;
    // No tool of `of_program` is named like pip or python, so the order does not matter;
    // this one settles most commands with one lookup.
    let (tool, name, args) = match Tool::of_program(program) {
        Some(tool) => (tool, invocation.name?, invocation.args),
        None => {
            let args = program_pip_arguments(program, &invocation)?;
            let at = invocation.args.len().checked_sub(args.len() + 1);
            let name = match at {
                Some(at) => invocation.args.get(at)?,
                None => invocation.name?,
            };
            (Tool::Pip, name, args)
        }
    };
    let sub_at = match subcommand(args, |option| tool.takes_value(option)) {
        Some(word) => args.iter().position(|w| std::ptr::eq(w, word)),
        // Only options (or nothing): a tool run without a subcommand.
        None if args.iter().all(|w| w.is_flag() || w.is_static()) => None,
        None => return None,
    };
    Some(ToolCommand {
        tool,
        invocation,
        name,
        args,
        sub_at,
    })
}

impl<'a> ToolCommand<'a> {
    /// The subcommand word.
    pub(crate) fn subcommand(&self) -> Option<&'a Word> {
        self.args.get(self.sub_at?)
    }

    /// The subcommand's value: `install`.
    pub(crate) fn sub(&self) -> Option<&'a str> {
        self.subcommand().and_then(Word::as_str)
    }

    /// Whether the subcommand is one of `names`.
    pub(crate) fn is(&self, names: &[&str]) -> bool {
        self.sub().is_some_and(|s| names.contains(&s))
    }

    /// The words after the subcommand (or, without one, after the tool's name) that are
    /// neither options nor values of options; every word after `--` (none for `gem`, whose
    /// words after `--` go to the gem's build). A dynamic word counts as an operand unless
    /// it starts like an option (`--opt=$V`).
    pub(crate) fn operands(&self) -> Vec<&'a Word> {
        let start = self.sub_at.map_or(0, |at| at + 1);
        let mut out = Vec::new();
        let mut skip_value = false;
        let mut after_dashdash = false;
        for word in self.args.get(start..).unwrap_or(&[]) {
            if after_dashdash {
                out.push(word);
                continue;
            }
            if skip_value {
                skip_value = false;
                continue;
            }
            match word.as_str() {
                Some("--") if self.tool == Tool::Gem => break,
                Some("--") => after_dashdash = true,
                Some(value) if value.len() > 1 && value.starts_with('-') => {
                    skip_value = self.tool.takes_value(value);
                }
                None if word.text.starts_with('-') => {}
                _ => out.push(word),
            }
        }
        out
    }

    /// The operand after a subcommand that takes an action (`dnf module install`): the
    /// action word.
    pub(crate) fn action(&self) -> Option<&'a str> {
        self.operands().first().and_then(|w| w.as_str())
    }

    /// Whether one of the options `names` is given in the tool's arguments (a single
    /// letter also in a cluster, `-qy`; a long option also as `--name=value`).
    pub(crate) fn has_option(&self, names: &[&str]) -> bool {
        let tool_args = Invocation {
            command: self.invocation.command,
            name: Some(self.name),
            args: self.args,
        };
        names.iter().any(|name| tool_args.has_flag(name))
    }

    /// Whether an apt-get (or apt) command only simulates (`-s`, `--dry-run`, …): it installs
    /// nothing and asks nothing.
    pub(crate) fn apt_simulates(&self) -> bool {
        self.has_option(&[
            "-s",
            "--simulate",
            "--just-print",
            "--dry-run",
            "--recon",
            "--no-act",
        ])
    }

    /// The static arguments before `--`, lowercased.
    fn lowercase_args(&self) -> impl Iterator<Item = String> + 'a {
        self.args
            .iter()
            .take_while(|w| w.as_str() != Some("--"))
            .filter_map(Word::as_str)
            .map(str::to_ascii_lowercase)
    }

    /// Whether an argument sets the configuration option `key` (`-o APT::Get::Assume-Yes=true`,
    /// `--setopt=assumeyes=1`) to a value other than a false one.
    pub(crate) fn sets_option(&self, key: &str) -> bool {
        let key = format!("{}=", key.to_ascii_lowercase());
        self.lowercase_args().any(|arg| {
            arg.split_once(&key).is_some_and(|(_, value)| {
                let value = value.trim_matches(['"', '\'']);
                !matches!(value, "" | "0" | "false" | "no" | "off")
            })
        })
    }
}

/// The arguments of pip in `pip …`, `pip3.12 …`, `python -m pip …`.
pub(crate) fn pip_arguments<'a>(invocation: &Invocation<'a>) -> Option<&'a [Word]> {
    program_pip_arguments(invocation.program()?, invocation)
}

/// [`pip_arguments`], `program` being the invocation's program.
fn program_pip_arguments<'a>(program: &str, invocation: &Invocation<'a>) -> Option<&'a [Word]> {
    if is_versioned(program, "pip") {
        return Some(invocation.args);
    }
    if !is_versioned(program, "python") {
        return None;
    }
    // Interpreter options without a value, then `-m pip`.
    let mut args = invocation.args.iter().enumerate();
    loop {
        let (i, word) = args.next()?;
        let value = word.as_str()?;
        if value == "-m" {
            let module = invocation.args.get(i + 1)?.as_str()?;
            return (module == "pip").then(|| invocation.args.get(i + 2..).unwrap_or(&[]));
        }
        let is_flag_cluster = value.len() > 1
            && value.starts_with('-')
            && !value.starts_with("--")
            && value[1..].chars().all(|c| "bBdEhiIOPqsSuvx".contains(c));
        if !is_flag_cluster {
            return None;
        }
    }
}

/// `name`, `name3`, `name3.12`, `name2.7`.
fn is_versioned(program: &str, name: &str) -> bool {
    program
        .strip_prefix(name)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// pip's general options that take a value in the next word.
const PIP_VALUE_OPTIONS: &[&str] = &[
    "--python",
    "--log",
    "--log-file",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--use-feature",
    "--use-deprecated",
    "--resume-retries",
    "--keyring-provider",
];

/// The options of `pip install` that take a value in the next word (besides
/// [`PIP_VALUE_OPTIONS`]).
const PIP_INSTALL_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "--install-option",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--root-user-action",
    "--report",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-b",
    "--build",
    "--group",
];

/// pip's subcommand: the first argument that is not a general option or its value.
pub(crate) fn pip_subcommand(args: &[Word]) -> Option<&Word> {
    subcommand(args, |option| PIP_VALUE_OPTIONS.contains(&option))
}

/// A package word of a command, with the value (or one of the values) it stands for.
#[derive(Clone, Debug)]
pub(crate) struct Package<'a> {
    /// The word as written.
    pub(crate) word: &'a Word,
    /// The package: the word's value, or one word of the value of the variable it uses.
    pub(crate) value: String,
}

/// The values a word stands for when the RUN runs: its static value, or its text expanded
/// with the ARG and ENV values the Dockerfile gives and the values the script gives its own
/// variables before the command (`deps='gcc make'; apk add $deps`), split into words when
/// unquoted. `None` when it uses a variable (or a command substitution) whose value is not
/// known.
pub(crate) fn word_values(
    model: &SemanticModel,
    run: &RunScript,
    word: &Word,
) -> Option<Vec<String>> {
    if let Some(value) = word.as_str() {
        return Some(vec![value.to_string()]);
    }
    if word.text.contains("$(") || word.text.contains('`') || word.text.contains("$'") {
        return None;
    }
    let command = run
        .script
        .commands()
        .find(|c| c.name.iter().chain(&c.args).any(|w| std::ptr::eq(w, word)));
    let value = match command {
        Some(command) => expand_in_script(model, run, command, &word.text)?,
        // A word of a script run by the RUN's script (`sh -c "…"`): its own variables are
        // not followed.
        None => model.expand_at(run.instruction, &word.text)?,
    };
    // The model keeps the quotes of an ENV value written without `$` (`ENV PKGS "a b"`):
    // no package name has one.
    let unquote = |v: &str| v.trim_matches(['"', '\'']).to_string();
    if word.text.contains(['"', '\'']) {
        // One argument, spaces included: `"b2 == $B2_VERSION"` is one requirement.
        Some(vec![unquote(&value)])
    } else {
        Some(value.split_whitespace().map(unquote).collect())
    }
}

/// The packages among `words` that `pinned` says have no version. `pinned` gives `None`
/// for a word that is not a package to judge (a path, a URL, a local archive). A word
/// whose value is not known is never reported, nor is an option hidden in a variable.
pub(crate) fn unpinned<'a>(
    model: &SemanticModel,
    run: &RunScript,
    words: &[&'a Word],
    pinned: impl Fn(&str) -> Option<bool>,
) -> Vec<Package<'a>> {
    let mut out = Vec::new();
    for word in words {
        let Some(values) = word_values(model, run, word) else {
            continue;
        };
        for value in values {
            if value.is_empty() || value.starts_with('-') {
                continue;
            }
            if pinned(&value) == Some(false) {
                out.push(Package { word, value });
            }
        }
    }
    out
}

/// Reports the unpinned packages of a command, once, on the words that name them:
/// `message` (hadolint's) followed by the packages.
pub(crate) fn report_unpinned(checker: &mut Checker<'_>, packages: &[Package<'_>], message: &str) {
    let (Some(first), Some(last)) = (packages.first(), packages.last()) else {
        return;
    };
    // One entry per word, with the number of packages it names: `curl`, or
    // `autoconf`, `file` (from `$PHPIZE_DEPS`) for a variable.
    let mut entries: Vec<(String, usize)> = Vec::new();
    for (i, package) in packages.iter().enumerate() {
        if i > 0 && std::ptr::eq(packages[i - 1].word, package.word) {
            continue;
        }
        if package.word.is_static() {
            entries.push((format!("`{}`", package.value), 1));
            continue;
        }
        let values: Vec<String> = packages[i..]
            .iter()
            .take_while(|p| std::ptr::eq(p.word, package.word))
            .map(|p| format!("`{}`", p.value))
            .collect();
        let count = values.len();
        let text = format!("{} (from `{}`)", and_list(values, 4), package.word.text);
        entries.push((text, count));
    }
    let count: usize = entries.iter().map(|(_, n)| n).sum();
    let verb = if count == 1 { "is" } else { "are" };
    let list = and_list(entries.into_iter().map(|(text, _)| text).collect(), 5);
    let range = first.word.range.cover(last.word.range);
    checker.report(range, format!("{message}: {list} {verb} not pinned"));
}

/// `a`, `a and b`, `a, b and c`; past `max` items, the first `max - 1` and `N more`.
fn and_list(mut items: Vec<String>, max: usize) -> String {
    if items.len() > max {
        let more = items.len() - (max - 1);
        items.truncate(max - 1);
        items.push(format!("{more} more"));
    }
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// apt: `pkg=1.2`, `pkg=1.2*`, a release (`pkg/bookworm-backports`) or a `.deb` file.
pub(crate) fn apt_pinned(package: &str) -> Option<bool> {
    Some(package.contains('=') || package.contains('/') || package.ends_with(".deb"))
}

/// apk: `pkg=1.2`, `pkg~1.2`, `pkg>1.2`, `pkg<1.2` or a `.apk` file.
pub(crate) fn apk_pinned(package: &str) -> Option<bool> {
    Some(package.contains(['=', '~', '<', '>']) || package.ends_with(".apk"))
}

/// pip: a version specifier (`==`, `~=`, `>=`, `<`, `!=`, `===`); a VCS URL with `@ref`.
/// Paths (`.`, `./pkg`, `/src`), URLs and local archives (`.whl`, `.tar.gz`, `.zip`) are not
/// packages to pin.
pub(crate) fn pip_pinned(package: &str) -> Option<bool> {
    let lower = package.to_ascii_lowercase();
    let is_vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    if is_vcs {
        let after_host = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
        let reference = after_host.split_once('/').map_or("", |(_, path)| path);
        return Some(reference.contains('@'));
    }
    let is_path = lower.starts_with(['.', '/', '~'])
        || lower.contains('/')
        || lower.contains("://")
        || [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"]
            .iter()
            .any(|ext| lower.ends_with(ext));
    if is_path {
        return None;
    }
    Some(package.contains(['=', '<', '>']))
}

/// npm: `name@version` (`@scope/name@version`), a git URL with `#ref`. Paths, tarballs and
/// URLs are not packages to pin. `name@latest` is not pinned: `latest` is the tag every new
/// release moves.
pub(crate) fn npm_pinned(package: &str) -> Option<bool> {
    let lower = package.to_ascii_lowercase();
    let git_prefixes = [
        "git://",
        "git+ssh://",
        "git+http://",
        "git+https://",
        "git+file://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ];
    if git_prefixes.iter().any(|p| lower.starts_with(p)) {
        return Some(lower.contains('#'));
    }
    // The value of a boolean option (`--unsafe-perm true`).
    if matches!(lower.as_str(), "true" | "false") {
        return None;
    }
    let is_local = lower.starts_with(['/', '.', '~'])
        || lower.starts_with("file:")
        || lower.contains("://")
        || [".tgz", ".tar", ".tar.gz"]
            .iter()
            .any(|ext| lower.ends_with(ext));
    if is_local {
        return None;
    }
    let unscoped = match lower.strip_prefix('@') {
        Some(rest) => rest.split_once('/').map_or("", |(_, name)| name),
        None => lower.as_str(),
    };
    match unscoped.split_once('@') {
        Some((_, version)) => Some(!version.is_empty() && version != "latest"),
        // `user/repo`: a GitHub repository, pinned by `#ref`.
        None if unscoped.contains('/') => Some(unscoped.contains('#')),
        None => Some(false),
    }
}

/// gem: `name:version`; a `.gem` file is not a package to pin.
pub(crate) fn gem_pinned(package: &str) -> Option<bool> {
    if package.ends_with(".gem") || package.starts_with(['.', '/']) {
        return None;
    }
    Some(package.contains(':'))
}

/// yum/dnf/microdnf: `name-version` or `name-version-release`, where the version and the
/// release start with a digit (`tomcat-9.0.1`, `openssl-1:1.1.1k`, `gcc-c++-8.5.0-4.el8`);
/// `java-11-openjdk` and `rpm-sign` are names. An `.rpm` file, a path, a URL, a group
/// (`@group`), a glob or a capability (`perl(Foo)`) is not a package to pin.
pub(crate) fn rpm_pinned(package: &str) -> Option<bool> {
    let is_other = package.ends_with(".rpm")
        || package.starts_with(['/', '@', '.'])
        || package.contains("://")
        || package.contains(['*', '?', '[', '(']);
    if is_other {
        return None;
    }
    let parts: Vec<&str> = package.split('-').collect();
    let is_version = |part: &&str| {
        part.starts_with(|c: char| c.is_ascii_digit())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
    };
    let pinned = (1..parts.len()).any(|at| {
        let tail = &parts[at..];
        tail.len() <= 2 && tail.iter().all(is_version)
    });
    Some(pinned)
}

/// A module of `dnf module install`: `name:stream`.
pub(crate) fn module_pinned(module: &str) -> Option<bool> {
    Some(module.contains(':'))
}

/// zypper: `name=version`, `name>=version`, `name<version`; an `.rpm` file, a path or a URL
/// is not a package to pin.
pub(crate) fn zypper_pinned(package: &str) -> Option<bool> {
    if package.ends_with(".rpm") || package.starts_with(['/', '.']) || package.contains("://") {
        return None;
    }
    Some(package.contains(['=', '<', '>']))
}

/// Versions of `go install`/`go get`/`go run` that move: branches, `latest`, and the
/// queries of `go get` that select a newer release.
const MOVING_GO_VERSIONS: &[&str] = &["latest", "upgrade", "patch", "master", "main", "head"];

/// go: `module/path@version` with a version that does not move. Local paths and files are
/// not packages to pin; a module path without `@version` is pinned by the `go.mod` of the
/// current module for `go install` and `go run` (and is an error outside a module), but not
/// for `go get`, which upgrades it to the latest release.
pub(crate) fn go_pinned(package: &str, get: bool) -> Option<bool> {
    let is_local = package.starts_with(['.', '/'])
        || package.ends_with(".go")
        || matches!(package, "all" | "std" | "cmd");
    if is_local {
        return None;
    }
    match package.rsplit_once('@') {
        Some((_, "none")) => None,
        Some((_, version)) => {
            Some(!MOVING_GO_VERSIONS.contains(&version.to_ascii_lowercase().as_str()))
        }
        // A module path names a host: `golang.org/x/tools/...`.
        None if get => package
            .split('/')
            .next()
            .is_some_and(|host| host.contains('.'))
            .then_some(false),
        None => None,
    }
}

/// Whether a dynamic argument of the tool could be an option satisfying `is_option`: its
/// value is not known, or one of its values is such an option. A word written with a
/// leading character other than `-` (`pkg-${VERSION}`) is never an option.
pub(crate) fn option_may_be_hidden(
    model: &SemanticModel,
    run: &RunScript,
    tool: &ToolCommand<'_>,
    is_option: impl Fn(&str) -> bool,
) -> bool {
    tool.args
        .iter()
        .filter(|w| !w.is_static() && may_start_with_dash(&w.text))
        .any(|word| match word_values(model, run, word) {
            Some(values) => values.iter().any(|v| is_option(v)),
            None => true,
        })
}

/// Whether a word, as written, may have a value that starts with `-`: it starts with `-`
/// or with an expansion, once its opening quotes are set aside.
fn may_start_with_dash(text: &str) -> bool {
    let unquoted = text.trim_start_matches(['"', '\'']);
    !unquoted.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_'))
}

/// Whether the command's standard input is not the build's (empty) input: it is piped into
/// (`yes | apt-get install …`) or redirected (`< answers`, a here-document or here-string),
/// so that a prompt may be answered.
pub(crate) fn input_is_provided(command: &Command) -> bool {
    command.pipeline_index > 0
        || command.redirects.iter().any(|r| {
            r.fd.is_none_or(|fd| fd == 0)
                && matches!(
                    r.op,
                    RedirectOp::Read
                        | RedirectOp::DupRead
                        | RedirectOp::Heredoc
                        | RedirectOp::HeredocStrip
                        | RedirectOp::HereString
                )
        })
}

/// Whether the tool may be configured, before or in this RUN, by a file the Dockerfile
/// writes or copies: a RUN of the stage (or of the stages it is built on) up to this one
/// mentions `needle` (`assume-yes`, case-insensitively) and one of `config_paths`, or a COPY
/// or ADD writes under one of `config_paths`.
pub(crate) fn configured_in_image(
    checker: &Checker<'_>,
    run: &RunScript,
    needle: &str,
    config_paths: &[&str],
) -> bool {
    let model = checker.model;
    let Some(stage) = model.stage_of(run.instruction) else {
        return false;
    };
    let end = model.instruction(run.instruction).range.end;
    let needle = needle.to_ascii_lowercase();
    chain_instructions(model, &stage_chain(model, stage))
        .into_iter()
        .filter(|i| i.range.end <= end)
        .any(|instruction| match instruction.keyword {
            Keyword::Run => {
                let text = instruction.original.to_ascii_lowercase();
                text.contains(&needle) && config_paths.iter().any(|p| text.contains(p))
            }
            Keyword::Copy | Keyword::Add => instruction
                .arg_values()
                .last()
                .is_some_and(|dest| config_paths.iter().any(|p| dest.starts_with(p))),
            _ => false,
        })
}

/// An edit inserting ` {text}` right after `word`, when the word is where the script says
/// (positions in a `<<-` here-document body may be approximate).
pub(crate) fn insert_after(checker: &Checker<'_>, word: &Word, text: &str) -> Option<Edit> {
    (checker.text(word.range) == word.text)
        .then(|| Edit::insert(word.range.end, format!(" {text}")))
}

/// Reports a command that lacks a switch: `message` on the command, with a fix inserting
/// `switch` after `after` (safe or not) when the edit is exact.
pub(crate) fn report_missing_switch(
    checker: &mut Checker<'_>,
    command: &Command,
    message: &str,
    after: &Word,
    switch: &str,
    safe: bool,
) {
    let edit = insert_after(checker, after, switch);
    let diagnostic = checker.report(command.range, message);
    if let Some(edit) = edit {
        let title = format!("Add `{switch}` after `{}`", after.text);
        diagnostic.set_fix(if safe {
            Fix::safe(title, vec![edit])
        } else {
            Fix::unsafe_edit(title, vec![edit])
        });
    }
}

/// What a clean-up rule looks for in a RUN.
pub(crate) struct Cleanup {
    /// What fills the cache, if `command` does: the program to clean with (`yum`,
    /// `microdnf`), or the command for the message (`yarn install`).
    pub(crate) fills: fn(&Command) -> Option<&str>,
    /// Whether `command` empties the cache.
    pub(crate) cleans: fn(&Command) -> bool,
    /// Whether removing this path (`rm -rf /var/cache/yum/*`) empties the cache.
    pub(crate) removes: fn(&str) -> bool,
    /// Whether a cache or tmpfs mount on this target keeps the cache out of the layer.
    pub(crate) mounted: fn(&str) -> bool,
    /// The message, given what [`Self::fills`] gave.
    pub(crate) message: fn(&str) -> String,
    /// The clean-up command to append, given what [`Self::fills`] gave.
    pub(crate) clean: fn(&str) -> String,
}

/// Reports the last command of a RUN that fills a package cache (`cleanup.fills`) when
/// nothing after it in the RUN empties the cache, the RUN mounts no cache there, and the
/// stage ends up in the image. The fix (unsafe) appends the clean-up command to the end of
/// the `&&` chain of the command.
pub(crate) fn check_cleanup(
    checker: &mut Checker<'_>,
    instruction: &Instruction,
    cleanup: &Cleanup,
) {
    let model = checker.model;
    let Some((id, stage)) = run_and_stage(model, instruction) else {
        return;
    };
    // The command filling the cache first: most RUNs have none, and looking is cheaper
    // than following the stage graph.
    let Some((run, command, program)) = model
        .runs_of(id)
        .flat_map(|run| run.script.commands().map(move |c| (run, c)))
        .filter_map(|(run, c)| Some((run, c, (cleanup.fills)(c)?)))
        .max_by_key(|(_, c, _)| c.range.start)
    else {
        return;
    };
    if !ends_up_in_image(model, stage)
        || kept_out_targets(instruction).any(|t| (cleanup.mounted)(&t))
    {
        return;
    }
    let cleaned = model
        .runs_of(id)
        .flat_map(|run| run.script.commands())
        .filter(|c| c.range.start > command.range.start)
        .any(|c| (cleanup.cleans)(c) || removes_path(c, cleanup.removes));
    if cleaned {
        return;
    }
    let sudo = if command.program() == Some("sudo") {
        "sudo "
    } else {
        ""
    };
    let clean = format!("{sudo}{}", (cleanup.clean)(program));
    let fix = chain_end(instruction, run, command)
        .and_then(|end| append_and(checker, instruction, end, &clean))
        .map(|edit| Fix::unsafe_edit(format!("Append `{clean}` to the `&&` chain"), vec![edit]));
    let diagnostic = checker.report(command.range, (cleanup.message)(program));
    if let Some(fix) = fix {
        diagnostic.set_fix(fix);
    }
}

/// Whether `command` is `rm` of a path for which `removes` holds.
fn removes_path(command: &Command, removes: fn(&str) -> bool) -> bool {
    let rm = command.unwrapped();
    rm.is("rm")
        && rm.args.iter().any(|word| {
            let path = word
                .as_str()
                .unwrap_or(&word.text)
                .trim_matches(['"', '\'']);
            !path.starts_with('-') && removes(path)
        })
}

/// Whether `path` (as given to `rm`) removes `dir`: it is `dir`, its content, something in
/// it, or a parent directory.
pub(crate) fn removes_dir(path: &str, dir: &str) -> bool {
    let path = path.trim_end_matches(['*', '/']);
    !path.is_empty()
        && (dir == path
            || dir
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
            || path
                .strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// The range of the last pipeline of the top-level `&&` chain holding `command`, when the
/// RUN's command line can take an appended command there: the chain is not run in the
/// background and does not end with `exit` or `exec`.
fn chain_end(instruction: &Instruction, run: &RunScript, command: &Command) -> Option<TextRange> {
    if !is_editable_command_line(instruction, run) || !command.is_top_level() {
        return None;
    }
    let script = &run.script;
    let body = &script.body().items;
    let chain = script.and_chains().find(|chain| {
        body.as_ptr_range().contains(&chain.items.as_ptr())
            && chain.commands().iter().any(|c| c.id == command.id)
    })?;
    let last = chain.items.last()?;
    if last.separator == Some(Connector::Background) {
        return None;
    }
    if ends_script(script, &last.pipeline) {
        return None;
    }
    Some(last.pipeline.range)
}

/// Reports the unpinned packages among `words` (see [`unpinned`] and [`report_unpinned`]).
pub(crate) fn check_pins(
    checker: &mut Checker<'_>,
    run: &RunScript,
    words: &[&Word],
    pinned: impl Fn(&str) -> Option<bool>,
    message: &str,
) {
    let packages = unpinned(checker.model, run, words, pinned);
    report_unpinned(checker, &packages, message);
}

/// The subcommands of apt-get and apt that ask for confirmation before changing packages.
const APT_PROMPTING: &[&str] = &[
    "install",
    "reinstall",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "dselect-upgrade",
    "remove",
    "purge",
    "autoremove",
    "autopurge",
    "build-dep",
    "satisfy",
];

/// Whether a word given to apt-get is an option that answers its prompts: `-y`, `--yes`,
/// `--assume-yes`, a cluster with `y` (`-qy`), or quiet level 2 (`-qq`), which implies `-y`.
fn apt_yes_word(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if matches!(lower.as_str(), "--yes" | "--assume-yes") || lower.contains("assume-yes=") {
        return true;
    }
    match lower.strip_prefix('-') {
        Some(cluster) if !cluster.starts_with('-') => {
            cluster.contains('y') || cluster.matches('q').count() >= 2
        }
        _ => false,
    }
}

/// apt-get's quiet level: each `-q` (also in a cluster) and `--quiet` adds one; `-q=N` and
/// `--quiet=N` set it.
fn apt_quiet_level(apt: &ToolCommand<'_>) -> usize {
    let mut level = 0;
    for arg in apt.lowercase_args() {
        if let Some(n) = arg
            .strip_prefix("--quiet=")
            .or_else(|| arg.strip_prefix("-q="))
        {
            level = n.parse().unwrap_or(level);
        } else if arg == "--quiet" {
            level += 1;
        } else if let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            if cluster.bytes().all(|b| b.is_ascii_alphanumeric()) {
                level += cluster.matches('q').count();
            }
        }
    }
    level
}

/// An `apt-get` (or `apt`) command that asks for confirmation because nothing answers it:
/// the subcommand word after which `-y` goes. `-y`, `--yes`, `--assume-yes`, quiet level 2,
/// `-o APT::Get::Assume-Yes=true`, a simulation (`-s`), piped or redirected input, and an
/// `Assume-Yes` setting written or copied into `/etc/apt/apt.conf*` by the Dockerfile all
/// answer it. `DEBIAN_FRONTEND=noninteractive` does not: it only silences debconf.
pub(crate) fn apt_unanswered_prompt<'a>(
    checker: &Checker<'_>,
    run: &RunScript,
    command: &'a Command,
) -> Option<(ToolCommand<'a>, &'a Word)> {
    let apt = tool_command(command).filter(|t| matches!(t.tool, Tool::AptGet | Tool::Apt))?;
    let sub = apt.subcommand().filter(|_| apt.is(APT_PROMPTING))?;
    let answered = apt.has_option(&["-y", "--yes", "--assume-yes"])
        || apt_quiet_level(&apt) >= 2
        || apt.sets_option("apt::get::assume-yes")
        || apt.apt_simulates()
        || option_may_be_hidden(checker.model, run, &apt, apt_yes_word)
        || input_is_provided(command)
        || configured_in_image(checker, run, "assume-yes", &["/etc/apt/apt.conf"]);
    (!answered).then_some((apt, sub))
}

/// The subcommands of yum and dnf that install or update packages.
const RPM_INSTALLING: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "update-minimal",
    "upgrade-minimal",
    "downgrade",
    "distro-sync",
    "distrosync",
    "swap",
];

/// The subcommands of yum and dnf that remove packages.
const RPM_REMOVING: &[&str] = &["remove", "erase", "groupremove", "autoremove"];

/// The actions of `dnf module` and `dnf group` that ask for confirmation.
const RPM_PROMPTING_ACTIONS: &[&str] = &[
    "install",
    "remove",
    "erase",
    "upgrade",
    "update",
    "enable",
    "disable",
    "reset",
    "switch-to",
];

/// A yum or dnf command that asks for confirmation because nothing answers it: the word
/// after which `-y` goes (the subcommand, or the action of `module`/`group`). `-y`,
/// `--assumeyes`, `--setopt=assumeyes=1`, piped or redirected input, and an `assumeyes`
/// setting written or copied into the tool's configuration by the Dockerfile answer it.
pub(crate) fn rpm_unanswered_prompt<'a>(
    checker: &Checker<'_>,
    run: &RunScript,
    command: &'a Command,
    tools: &[Tool],
) -> Option<(ToolCommand<'a>, &'a Word)> {
    let rpm = tool_command(command).filter(|t| tools.contains(&t.tool))?;
    let after = if rpm.is(&["module", "group", "groups"]) {
        let action = rpm.operands().into_iter().next()?;
        action
            .as_str()
            .is_some_and(|a| RPM_PROMPTING_ACTIONS.contains(&a))
            .then_some(action)?
    } else {
        rpm.subcommand()
            .filter(|_| rpm.is(RPM_INSTALLING) || rpm.is(RPM_REMOVING))?
    };
    let yes_word = |v: &str| {
        let lower = v.to_ascii_lowercase();
        lower == "--assumeyes"
            || lower.contains("assumeyes=")
            || lower
                .strip_prefix('-')
                .is_some_and(|c| !c.starts_with('-') && c.contains('y'))
    };
    let answered = rpm.has_option(&["-y", "--assumeyes"])
        || rpm.sets_option("assumeyes")
        || option_may_be_hidden(checker.model, run, &rpm, yes_word)
        || input_is_provided(command)
        || configured_in_image(
            checker,
            run,
            "assumeyes",
            &["/etc/yum.conf", "/etc/dnf/dnf.conf", "/etc/yum/"],
        );
    (!answered).then_some((rpm, after))
}

/// The message of a yum or dnf command without `-y` (hadolint's for `install`), `after`
/// being the word [`rpm_unanswered_prompt`] gave.
pub(crate) fn rpm_yes_message(rpm: &ToolCommand<'_>, after: &Word) -> String {
    let program = rpm.invocation.program().unwrap_or("yum");
    let example = match (rpm.sub(), after.as_str()) {
        (Some("install"), _) => format!("{program} install -y <package>"),
        (Some(sub), Some(action)) if sub != action => format!("{program} {sub} {action} -y"),
        (Some(sub), _) => format!("{program} {sub} -y"),
        _ => format!("{program} -y"),
    };
    format!("Use the -y switch to avoid manual input `{example}`")
}

/// Whether a yum, dnf or microdnf command fills the package cache: it installs, updates or
/// downloads packages or metadata.
pub(crate) fn rpm_fills_cache(rpm: &ToolCommand<'_>) -> bool {
    if rpm.is(&["module", "group", "groups"]) {
        return rpm
            .action()
            .is_some_and(|a| matches!(a, "install" | "update" | "upgrade" | "enable"));
    }
    rpm.is(RPM_INSTALLING) || rpm.is(&["makecache"])
}

/// The clean-up of yum, dnf or microdnf, `fills` telling which of them fill the cache.
pub(crate) fn rpm_cleanup(fills: fn(&Command) -> Option<&str>) -> Cleanup {
    Cleanup {
        fills,
        cleans: rpm_cleans,
        removes: covers_rpm_cache,
        mounted: covers_rpm_cache,
        message: |program| format!("`{program} clean all` missing after {program} command"),
        clean: |program| format!("{program} clean all"),
    }
}

/// The subcommands of zypper that install or update packages, with their short names.
pub(crate) const ZYPPER_INSTALLING: &[&str] = &[
    "install",
    "in",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "patch",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];

/// The cache directories of yum, dnf (4 and 5) and microdnf.
const RPM_CACHE_DIRS: &[&str] = &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"];

/// Whether `yum clean`, `dnf clean` or `microdnf clean` empties the cache.
fn rpm_cleans(command: &Command) -> bool {
    tool_command(command).is_some_and(|t| t.tool.is_rpm() && t.is(&["clean"]))
}

/// Whether removing (or mounting) `path` covers one of the rpm tools' cache directories.
fn covers_rpm_cache(path: &str) -> bool {
    RPM_CACHE_DIRS.iter().any(|dir| removes_dir(path, dir))
}

/// Reports the unpinned packages of `yum install`/`dnf install` (one of `tools`) and the
/// modules without a stream of `module install`.
pub(crate) fn check_rpm_pins(
    checker: &mut Checker<'_>,
    run: &RunScript,
    command: &Command,
    tools: &[Tool],
    message: &str,
) {
    let Some(rpm) = tool_command(command).filter(|t| tools.contains(&t.tool)) else {
        return;
    };
    let operands = rpm.operands();
    if rpm.is(&["install"]) {
        check_pins(checker, run, &operands, rpm_pinned, message);
    } else if rpm.is(&["module"]) && rpm.action() == Some("install") {
        let modules = operands.get(1..).unwrap_or(&[]);
        check_pins(checker, run, modules, module_pinned, message);
    }
}
