use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::{is_lowercase, is_uppercase};
use plimsoll_parser::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports instruction keywords whose case differs from the file's majority: `copy` in
    /// a file of uppercase instructions, or a mixed-case keyword such as `From`. This is
    /// BuildKit's `ConsistentInstructionCasing` check, with its message.
    ///
    /// As in BuildKit, the majority counts the top-level keywords written all lowercase
    /// against those written all uppercase; a tie counts as uppercase. The instruction that
    /// `ONBUILD` registers is not looked at.
    ///
    /// ## Why
    /// Keywords are case-insensitive, but a file that mixes `RUN` and `run` is harder to
    /// scan, and a mixed-case keyword looks like a typo. Docker prints this warning on every
    /// build.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// COPY app /app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// COPY app /app
    /// ```
    ///
    /// ```dockerfile valid
    /// from alpine:3.20
    /// run apk add --no-cache curl
    /// copy app /app
    /// ```
    ///
    /// ## Fix
    /// Writes the keyword in the majority's case (safe: keywords are case-insensitive).
    pub struct ConsistentInstructionCasing {
        code: "PL204",
        name: "consistent-instruction-casing",
        aliases: ["ConsistentInstructionCasing"],
        category: Style,
        severity: Style,
        fix: Always,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for ConsistentInstructionCasing {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        // Unknown words are syntax errors (PL106) before they are a matter of style.
        let keywords = || {
            model
                .file
                .instructions
                .iter()
                .filter(|i| i.keyword != Keyword::Unknown)
        };
        let (mut lower, mut upper) = (0usize, 0usize);
        for instruction in keywords() {
            let text = instruction.keyword_text.as_str();
            if is_lowercase(text) {
                lower += 1;
            } else if is_uppercase(text) {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        for instruction in keywords() {
            let text = instruction.keyword_text.as_str();
            let consistent = if majority_lower {
                is_lowercase(text)
            } else {
                is_uppercase(text)
            };
            if consistent {
                continue;
            }
            let (casing, fixed) = if majority_lower {
                ("lowercase", text.to_ascii_lowercase())
            } else {
                ("uppercase", text.to_ascii_uppercase())
            };
            let range = instruction.keyword_range;
            let plain = checker.text(range) == text;
            let message = format!(
                "Command '{text}' should match the case of the command majority ({casing})"
            );
            let diagnostic = checker.report(range, message);
            if plain {
                diagnostic.set_fix(Fix::safe(
                    format!("Write `{fixed}` in {casing}"),
                    vec![Edit::replace(range, fixed)],
                ));
            }
        }
    }
}
