use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::expose::port_specs;
use plimsoll_parser::{Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` protocol that is not in lowercase: `80/TCP`, `53/Udp`.
    ///
    /// This is BuildKit's `ExposeProtoCasing` check, with its message. Like BuildKit, the
    /// rule reads the ports after variable expansion and stops at the first one BuildKit
    /// cannot read.
    ///
    /// ## Why
    /// BuildKit lowercases the protocol, so the image is the same; but other tools that
    /// read Dockerfiles may not, and one spelling keeps Dockerfiles consistent.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// EXPOSE 80/TCP 443/TCP
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// EXPOSE 80/tcp 443/tcp
    /// ```
    ///
    /// ## Fix
    /// Lowercases the protocol (safe: BuildKit exposes the same port). No fix is offered
    /// when the port comes from a variable.
    pub struct ExposeProtoCasing {
        code: "PL218",
        name: "expose-proto-casing",
        aliases: ["ExposeProtoCasing"],
        category: Style,
        severity: Style,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Expose])],
    }
}

impl Rule for ExposeProtoCasing {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        for spec in port_specs(model, instruction, false) {
            if spec.proto == spec.proto.to_lowercase() {
                continue;
            }
            let message = format!(
                "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                spec.raw
            );
            let fix = spec.proto_offset.filter(|_| spec.literal).map(|offset| {
                let start = spec.word.range.start + offset as u32;
                let range = TextRange::new(start, spec.word.range.end);
                Fix::safe(
                    "Write the protocol in lowercase",
                    vec![Edit::replace(range, spec.proto.to_lowercase())],
                )
            });
            let range = on_first_line(checker, instruction, spec.word.range);
            let diagnostic = checker.report(range, message);
            if let Some(fix) = fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}
