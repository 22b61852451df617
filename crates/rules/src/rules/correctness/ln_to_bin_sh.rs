use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use plimsoll_parser::shell::{basename, Command, Word};

declare_rule! {
    /// ## What it does
    /// Reports `ln` replacing `/bin/sh` (`RUN ln -sf /bin/bash /bin/sh`).
    ///
    /// ## Why
    /// Relinking `/bin/sh` is usually done so that `RUN` lines run in `bash`. But it changes
    /// the shell of every program in the image, at build time and at runtime, including the
    /// package manager's scripts that expect the distribution's `sh`. The `SHELL`
    /// instruction changes the shell of the `RUN`s that follow it, and nothing else.
    ///
    /// Unlike hadolint, which reports any `ln` with `/bin/sh` among its arguments, only a
    /// link whose name is `/bin/sh` (or `/usr/bin/sh`, the same file on merged-`/usr`
    /// systems) is reported: `ln -s /bin/sh /usr/local/bin/sh` does not change the shell.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## Fix
    /// None: whether the image needs `bash` as `/bin/sh` at runtime is for the author to say.
    pub struct LnToBinSh {
        code: "DL4005",
        name: "ln-to-bin-sh",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["ln"])],
    }
}

/// Where a system's `sh` lives.
const SH_PATHS: &[&str] = &["/bin/sh", "/usr/bin/sh"];

impl Rule for LnToBinSh {
    fn command(&self, checker: &mut Checker<'_>, _run: &RunScript, command: &Command) {
        let ln = command.unwrapped();
        if !replaces_sh(ln.args) {
            return;
        }
        checker.report(
            command.range,
            "Use SHELL to change the default shell: this `ln` replaces `/bin/sh` for every \
             program in the image",
        );
    }
}

/// Whether `ln ARGS` creates the link `/bin/sh`: its last operand is `/bin/sh`, or it
/// links a file named `sh` into `/bin` with `-t`/`--target-directory`.
fn replaces_sh(args: &[Word]) -> bool {
    let mut operands: Vec<&str> = Vec::new();
    let mut directory: Option<&str> = None;
    let mut options_done = false;
    let mut iter = args.iter();
    while let Some(word) = iter.next() {
        let Some(arg) = word.as_str() else {
            operands.push("");
            continue;
        };
        if options_done || !arg.starts_with('-') || arg == "-" {
            operands.push(arg);
            continue;
        }
        if arg == "--" {
            options_done = true;
        } else if let Some(dir) = arg.strip_prefix("--target-directory=") {
            directory = Some(dir);
        } else if arg == "--target-directory" || arg == "-t" {
            directory = iter.next().and_then(Word::as_str);
        } else if arg == "-S" || arg == "--suffix" {
            iter.next();
        }
    }
    match directory {
        Some(dir) => {
            let dir = dir.trim_end_matches('/');
            matches!(dir, "/bin" | "/usr/bin") && operands.iter().any(|o| basename(o) == "sh")
        }
        None => operands.len() >= 2 && operands.last().is_some_and(|last| SH_PATHS.contains(last)),
    }
}
