use super::toolchain::go_command;
use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use plimsoll_parser::shell::{basename, ShellScript};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `CMD` or `ENTRYPOINT` that runs `go run`, in exec form
    /// (`["go", "run", "."]`), in shell form (`CMD go run .`), or through a shell
    /// (`["sh", "-c", "go run ."]`).
    ///
    /// ## Why
    /// `go run` compiles the program every time the container starts: start-up takes
    /// seconds to minutes and much CPU and memory, modules may be downloaded at start (and
    /// fail without network), and the image has to ship the whole Go toolchain and the
    /// sources. Build the binary in a build stage and run the binary.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23.4
    /// WORKDIR /src
    /// COPY . .
    /// CMD ["go", "run", "."]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Fix
    /// None: building the binary in its own stage changes the Dockerfile's structure.
    pub struct GoRunAtRuntime {
        code: "PL505",
        name: "go-run-at-runtime",
        category: Go,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Cmd, Keyword::Entrypoint])],
    }
}

impl Rule for GoRunAtRuntime {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let found = match &instruction.args {
            Arguments::Exec(words) => {
                let values: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
                exec_runs_go(&values)
            }
            Arguments::Text(word) => script_runs_go(&word.value, 0),
            _ => false,
        };
        if found {
            checker.report(
                instruction.args_file_range(),
                format!(
                    "{} runs `go run`: the program is compiled at every container start, and \
                     the image ships the Go toolchain; build the binary in a build stage",
                    instruction.keyword.as_str()
                ),
            );
        }
    }
}

/// Whether an exec-form command line runs `go run`, directly or through `sh -c`.
fn exec_runs_go(words: &[&str]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    match basename(first) {
        "go" => words.get(1) == Some(&"run"),
        "sh" | "bash" | "ash" | "dash" => match words.iter().position(|w| *w == "-c") {
            Some(at) => words
                .get(at + 1)
                .is_some_and(|script| script_runs_go(script, 0)),
            None => false,
        },
        _ => false,
    }
}

/// Whether a shell script runs `go run` (looking into `sh -c "…"` once more).
fn script_runs_go(script: &str, depth: usize) -> bool {
    if !script.contains("go") || depth > 2 {
        return false;
    }
    let parsed = ShellScript::parse_text(script);
    parsed.commands().any(|command| {
        if go_command(command).is_some_and(|go| go.subcommand == "run") {
            return true;
        }
        let inner = command.unwrapped();
        matches!(inner.program(), Some("sh" | "bash" | "ash" | "dash"))
            && inner
                .args
                .iter()
                .position(|w| w.as_str() == Some("-c"))
                .and_then(|at| inner.args.get(at + 1))
                .and_then(|w| w.as_str())
                .is_some_and(|s| script_runs_go(s, depth + 1))
    })
}
