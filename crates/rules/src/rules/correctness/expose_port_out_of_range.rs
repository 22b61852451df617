use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::expose::{numbers_out_of_range, port_specs};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port outside the range of valid ports, 0 to 65535: `EXPOSE 80000`,
    /// `EXPOSE 8000-70000`, or such a host port.
    ///
    /// This is hadolint's `DL3011`. Ports are read after variable expansion; a port whose
    /// value is not known is left alone.
    ///
    /// ## Why
    /// A port is a 16-bit number: BuildKit fails the build on a larger one.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows which port was meant.
    pub struct ExposePortOutOfRange {
        code: "DL3011",
        name: "expose-port-out-of-range",
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Expose])],
    }
}

impl Rule for ExposePortOutOfRange {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        for spec in port_specs(model, instruction, true) {
            if numbers_out_of_range(&spec.container_port) || numbers_out_of_range(&spec.host_port) {
                let message = format!("`{}`: valid UNIX ports range from 0 to 65535", spec.raw);
                let range = on_first_line(checker, instruction, spec.word.range);
                checker.report(range, message);
            }
        }
    }
}
