use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use plimsoll_parser::shell::{Command, Connector};

declare_rule! {
    /// ## What it does
    /// Reports commands that make no sense in a `RUN`: `ssh`, `vim`, `shutdown`,
    /// `service`, `ps`, `free`, `top`, `kill`, `mount` and `ifconfig` (hadolint's list),
    /// also when run through `sudo`, `env` or another wrapper, and in here-document
    /// scripts. A package of that name (`apt-get install vim`) is not a command and is not
    /// reported.
    ///
    /// Unlike hadolint, a `RUN` that starts something for its own duration and stops it
    /// again is not reported: `kill` in a script that started a background job
    /// (`server & pid=$!; …; kill $pid`), and `service NAME start` with `service NAME stop`
    /// in the same script (a database started to load a schema into the image).
    ///
    /// ## Why
    /// A `RUN` executes once, while the image is built, in a throw-away container with no
    /// terminal, no init system and no other process. An interactive program (`vim`,
    /// `top`, `ssh`) waits for input that never comes; `service` and `shutdown` address an
    /// init system that is not running; `ps`, `free`, `kill`, `mount` and `ifconfig` look at
    /// or change the build container, whose processes, memory, mounts and network are gone
    /// when the step ends. What the command was meant to do belongs to the container's
    /// runtime (`CMD`, `ENTRYPOINT`, the orchestrator), or is better done another way.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends procps vim
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix
    /// None: what to do instead depends on what the command was for.
    pub struct PointlessCommandInRun {
        code: "DL3001",
        name: "pointless-command-in-run",
        category: Correctness,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&[
            "free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top",
            "vim",
        ])],
    }
}

impl Rule for PointlessCommandInRun {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let invocation = command.unwrapped();
        let Some(program) = invocation.program() else {
            return;
        };
        let script = &run.script;
        // A process the script started in the background, or a service it both starts and
        // stops, runs only for this step: stopping it is part of the step.
        let stops_own = match program {
            "kill" => script
                .commands()
                .any(|c| c.after == Some(Connector::Background)),
            "service" => service_action(command).is_some_and(|(name, action)| {
                let opposite = if action == "start" { "stop" } else { "start" };
                matches!(action, "start" | "stop")
                    && script
                        .commands()
                        .any(|other| service_action(other) == Some((name, opposite)))
            }),
            _ => false,
        };
        if stops_own {
            return;
        }
        checker.report(
            command.range,
            format!(
                "`{program}` makes no sense in a `RUN`: it runs once at build time, in a \
                 container without terminal, init system or other processes"
            ),
        );
    }
}

/// The service and the action of `service NAME ACTION`.
fn service_action(command: &Command) -> Option<(&str, &str)> {
    let service = command.unwrapped();
    if !service.is("service") {
        return None;
    }
    let name = service.args.first()?.as_str()?;
    let action = service.args.get(1)?.as_str()?;
    Some((name, action))
}
