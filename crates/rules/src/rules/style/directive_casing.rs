use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};

declare_rule! {
    /// ## What it does
    /// Reports a parser directive whose name is not written in lowercase:
    /// `# ESCAPE=\``, `# Syntax=docker/dockerfile:1`.
    ///
    /// ## Why
    /// BuildKit reads directive names in any case, but the Dockerfile reference writes them
    /// in lowercase and most tools that look for them (editors, linters, scripts that bump
    /// the `syntax` version) only recognise `syntax`, `escape` and `check` in lowercase. An
    /// upper-case name also looks like an ordinary comment.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// # ESCAPE=`
    /// FROM mcr.microsoft.com/windows/servercore:ltsc2022
    /// ```
    ///
    /// ```dockerfile valid
    /// # escape=`
    /// FROM mcr.microsoft.com/windows/servercore:ltsc2022
    /// ```
    ///
    /// ## Fix
    /// Writes the name in lowercase (safe: BuildKit ignores the case of directive names).
    pub struct DirectiveCasing {
        code: "PL120",
        name: "directive-casing",
        category: Style,
        severity: Style,
        fix: Always,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for DirectiveCasing {
    fn file(&self, checker: &mut Checker<'_>) {
        for directive in &checker.model.file.directives {
            let written = checker.text(directive.name_range);
            let lower = written.to_ascii_lowercase();
            if written == lower || lower != directive.name {
                continue;
            }
            checker
                .report(
                    directive.name_range,
                    format!(
                        "Parser directive `{written}` should be written in lowercase: `{lower}`"
                    ),
                )
                .set_fix(Fix::safe(
                    format!("Write `{lower}` in lowercase"),
                    vec![Edit::replace(directive.name_range, lower)],
                ));
        }
    }
}
