use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{RunScript, ScriptSource};
use crate::registry::{Rule, Target};
use crate::rules::go::toolchain::is_root_at;
use plimsoll_parser::shell::{Command, Invocation};
use plimsoll_parser::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports `sudo` in a `RUN`, also behind another wrapper (`env A=1 sudo make`), in a
    /// pipeline, a subshell or a here-document script. `sudo` as a package name
    /// (`apt-get install sudo`) is not reported.
    ///
    /// ## Why
    /// `sudo` is made for people at a terminal, not for image builds: it may not be
    /// installed, it asks for a password without a terminal to type it in, it resets the
    /// environment (`PATH`, proxies, variables set by `ENV`) according to the image's
    /// `sudoers`, and it hides which user a step really runs as. Run the steps that need
    /// root as root (`USER root` before them, `USER app` after), and use a tool such as
    /// `gosu` or `su-exec` to drop privileges at runtime.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends sudo
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// Removes `sudo` when the user in effect is known to be root (a `USER root` or `USER
    /// 0` before, or no `USER` on an official image or `scratch`) and `sudo` has no option
    /// of its own. Unsafe: the command then runs with the build's environment instead of
    /// the one `sudo` would have set.
    pub struct SudoInRun {
        code: "DL3004",
        name: "sudo-in-run",
        category: Security,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["*"])],
    }
}

impl Rule for SudoInRun {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(sudo) = sudo_of(command) else {
            return;
        };
        let Some(name) = sudo.name else {
            return;
        };
        let model = checker.model;
        let root = model
            .stages
            .get(run.stage)
            .is_some_and(|_| is_root_at(model, run.stage, run.instruction));
        // `sudo CMD …`: the command is the word right after `sudo`.
        let plain = sudo
            .unwrap_once()
            .is_some_and(|inner| inner.args.len() + 1 == sudo.args.len());
        let diagnostic = checker.report(
            command.range,
            "Do not use sudo as it leads to unpredictable behavior: run the step as root \
             (`USER root`), and use a tool like gosu to drop privileges at runtime",
        );
        let Some(next) = sudo.args.first() else {
            return;
        };
        if root && plain && run.source == ScriptSource::CommandLine {
            diagnostic.set_fix(Fix::unsafe_edit(
                "Remove `sudo` (the user is already root)",
                vec![Edit::delete(TextRange::new(
                    name.range.start,
                    next.range.start,
                ))],
            ));
        }
    }
}

/// The `sudo` a command runs through: its own name, or a wrapper it is nested in.
fn sudo_of(command: &Command) -> Option<Invocation<'_>> {
    let mut invocation = command.invocation();
    for _ in 0..=command.args.len() {
        if invocation.is("sudo") {
            return Some(invocation);
        }
        invocation = invocation.unwrap_once()?;
    }
    None
}
