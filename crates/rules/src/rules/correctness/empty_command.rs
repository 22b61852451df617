use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN`, `CMD` or `ENTRYPOINT` with no command at all: the keyword alone on
    /// its line.
    ///
    /// ## Why
    /// BuildKit accepts it, and runs an empty shell script in its place:
    /// `/bin/sh -c ""`. An empty `RUN` adds a build step that does nothing. An empty
    /// `ENTRYPOINT` makes every container exit at once, whatever `CMD` says. An empty `CMD`
    /// passes `/bin/sh -c ""` as arguments to the `ENTRYPOINT`. To clear an inherited
    /// `CMD` or `ENTRYPOINT`, the exec form says so: `CMD []`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// CMD
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// CMD []
    /// ```
    ///
    /// ## Fix
    /// For `CMD` and `ENTRYPOINT`, writes `[]`, which clears the setting instead of
    /// setting it to an empty shell script. This is unsafe: it changes what the container
    /// runs (to what the author most likely meant). No fix for `RUN`.
    pub struct EmptyCommand {
        code: "PL125",
        name: "empty-command",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run, Keyword::Cmd, Keyword::Entrypoint])],
    }
}

impl Rule for EmptyCommand {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if instruction.json || !instruction.heredocs.is_empty() {
            return;
        }
        let empty = match &instruction.args {
            Arguments::None => true,
            Arguments::Text(word) => word.value.trim().is_empty(),
            _ => false,
        };
        if !empty {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let message = match instruction.keyword {
            Keyword::Run => "`RUN` has no command: it runs an empty shell script".to_string(),
            Keyword::Entrypoint => "`ENTRYPOINT` has no command: containers run an empty shell \
                                    script and exit at once"
                .to_string(),
            _ => format!(
                "`{keyword}` has no command: it is set to an empty shell script, not cleared"
            ),
        };
        let diagnostic = checker.report(instruction.keyword_range, message);
        if instruction.keyword != Keyword::Run {
            diagnostic.set_fix(Fix::unsafe_edit(
                format!("Clear it with `{} []`", instruction.keyword_text),
                vec![Edit::insert(instruction.keyword_range.end, " []")],
            ));
        }
    }
}
