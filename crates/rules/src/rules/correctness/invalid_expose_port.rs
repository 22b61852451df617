use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::is_onbuild_trigger;
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port that BuildKit cannot read: not a number or a range
    /// (`EXPOSE http`, `EXPOSE 8080-`), a range that goes down (`EXPOSE 9000-8000`), or an
    /// unknown protocol (`EXPOSE 53/dns`). Words with a variable are checked once expanded,
    /// and skipped when the variable has no value.
    ///
    /// Ports above 65535 are reported by DL3011, and addresses or host ports
    /// (`127.0.0.1:80`, `80:80`) by PL219, not here.
    ///
    /// ## Why
    /// BuildKit parses the ports when it builds the stage and stops with
    /// `invalid containerPort` or `invalid proto`. The protocol is one of `tcp` (the
    /// default), `udp` and `sctp`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// EXPOSE http 443/https
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// EXPOSE 80 443/tcp
    /// ```
    ///
    /// ## Fix
    /// None: the port number is the author's to write.
    pub struct InvalidExposePort {
        code: "PL126",
        name: "invalid-expose-port",
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Expose])],
    }
}

impl Rule for InvalidExposePort {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        if is_onbuild_trigger(model, instruction) {
            return;
        }
        let (Arguments::List(words), Some(id)) = (&instruction.args, model.id_of(instruction))
        else {
            return;
        };
        let lexer = Lexer::new(model.file.escape);
        for word in words {
            let specs = if word.value.contains('$') {
                let env = model.variables_at(id);
                match lexer.process_word(&word.value, &env) {
                    Ok(expansion) if expansion.unmatched.is_empty() => {
                        lexer.process_words(&word.value, &env)
                    }
                    _ => continue,
                }
            } else {
                lexer.process_words(&word.value, &EmptyEnv)
            };
            let Ok(specs) = specs else {
                continue;
            };
            if let Some(problem) = specs.iter().find_map(|spec| port_problem(spec)) {
                checker.report(word.range, problem);
            }
        }
    }
}

/// What `nat.ParsePortSpec` rejects in a port spec without an address or host port.
fn port_problem(spec: &str) -> Option<String> {
    if spec.contains(':') {
        return None;
    }
    let parts: Vec<&str> = spec.split('/').collect();
    let port = parts.first().copied().unwrap_or("");
    if port.is_empty() {
        return Some(format!("No port specified in `{spec}`"));
    }
    let proto = parts
        .get(1)
        .copied()
        .filter(|p| !p.is_empty())
        .unwrap_or("tcp");
    let numbers: Vec<&str> = port.split('-').collect();
    let is_number = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match numbers.as_slice() {
        [single] if is_number(single) => {}
        [start, end, ..] if is_number(start) && is_number(end) => {
            if let (Ok(start), Ok(end)) = (start.parse::<u64>(), end.parse::<u64>()) {
                if end < start {
                    return Some(format!(
                        "Invalid port range `{port}`: it ends before it starts"
                    ));
                }
            }
        }
        _ => {
            return Some(format!(
                "Invalid port `{port}`: EXPOSE takes a port number or a range such as `8000-8010`"
            ))
        }
    }
    if !matches!(proto.to_lowercase().as_str(), "tcp" | "udp" | "sctp") {
        return Some(format!(
            "Invalid protocol `{proto}`: EXPOSE takes `tcp`, `udp` or `sctp`"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::port_problem;

    #[test]
    fn ports() {
        for valid in [
            "80",
            "80/tcp",
            "80/UDP",
            "53/sctp",
            "8000-8010",
            "80/",
            "80/tcp/x",
            "99999",
            "1.2.3.4:80",
            "80:80",
            "0",
        ] {
            assert_eq!(port_problem(valid), None, "{valid}");
        }
        for invalid in [
            "http",
            "/tcp",
            "80-",
            "-80",
            "9000-8000",
            "53/dns",
            "+80",
            "80a",
        ] {
            assert!(port_problem(invalid).is_some(), "{invalid}");
        }
    }
}
