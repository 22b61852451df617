use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::expose::port_specs;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port with an IP address or a host port:
    /// `EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`.
    ///
    /// This is BuildKit's `ExposeInvalidFormat` check, with its message. Like BuildKit, the
    /// rule reads the ports after variable expansion and stops at the first one BuildKit
    /// cannot read.
    ///
    /// ## Why
    /// `EXPOSE` only documents which container ports the image listens on; publishing a
    /// port on a host address or host port is decided when the container runs
    /// (`docker run -p 8080:80`). BuildKit ignores the address and the host port, so the
    /// line does not do what it seems to, and BuildKit announces that it will become an
    /// error.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// EXPOSE 127.0.0.1:8080:80
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// EXPOSE 80
    /// ```
    ///
    /// ## Fix
    /// Keeps only the container port and protocol: `127.0.0.1:8080:80/tcp` becomes
    /// `80/tcp` (safe: BuildKit exposes exactly that port). No fix is offered when the port
    /// comes from a variable, or when BuildKit rejects the specification.
    pub struct ExposeInvalidFormat {
        code: "PL219",
        name: "expose-invalid-format",
        aliases: ["ExposeInvalidFormat"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Expose])],
    }
}

impl Rule for ExposeInvalidFormat {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        for spec in port_specs(model, instruction, false) {
            if spec.ip.is_empty() && spec.host_port.is_empty() {
                continue;
            }
            let message = format!(
                "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                spec.raw
            );
            let fix = (spec.literal && !spec.invalid).then(|| {
                let mut port = spec.container_port.clone();
                if !spec.proto.is_empty() {
                    port.push('/');
                    port.push_str(&spec.proto);
                }
                Fix::safe(
                    format!("Expose only the container port `{port}`"),
                    vec![Edit::replace(spec.word.range, port)],
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
