use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::{cased_like, is_lowercase, is_uppercase};
use crate::rules::helpers::buildkit_compat::on_first_line;
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports `FROM … AS name` where the `AS` keyword is not written in the case of
    /// `FROM`: `FROM alpine as build`, `from alpine AS build`. This is BuildKit's
    /// `FromAsCasing` check, with its message.
    ///
    /// When `FROM` itself mixes cases (`From`), the rule stays silent, as BuildKit does:
    /// `consistent-instruction-casing` (PL204) reports the keyword.
    ///
    /// ## Why
    /// Both keywords are case-insensitive, but a file reads best when they agree. Docker
    /// prints this warning on every build.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 as build
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// ```
    ///
    /// ```dockerfile valid
    /// from golang:1.23 as build
    /// ```
    ///
    /// ## Fix
    /// Writes `AS` in the case of `FROM` (safe: the keyword is case-insensitive).
    pub struct FromAsCasing {
        code: "PL202",
        name: "from-as-casing",
        aliases: ["FromAsCasing"],
        category: Style,
        severity: Style,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::From])],
    }
}

impl Rule for FromAsCasing {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let Arguments::List(words) = &instruction.args else {
            return;
        };
        let Some(as_word) = words.get(1).filter(|_| words.len() >= 3) else {
            return;
        };
        if !as_word.value.eq_ignore_ascii_case("as") {
            return;
        }
        let from = instruction.keyword_text.as_str();
        let matches = if is_lowercase(from) {
            is_lowercase(&as_word.value)
        } else if is_uppercase(from) {
            is_uppercase(&as_word.value)
        } else {
            true
        };
        if matches {
            return;
        }
        let message = format!(
            "'{}' and '{from}' keywords' casing do not match",
            as_word.value
        );
        let fixed = cased_like("as", from);
        let plain = checker.text(as_word.range).eq_ignore_ascii_case("as");
        // BuildKit reports the FROM's first line.
        let range = on_first_line(checker, instruction, as_word.range);
        let diagnostic = checker.report(range, message);
        if plain {
            diagnostic.set_fix(Fix::safe(
                format!("Write `{fixed}` in the case of `{from}`"),
                vec![Edit::replace(as_word.range, fixed)],
            ));
        }
    }
}
