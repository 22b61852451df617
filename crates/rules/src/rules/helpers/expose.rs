//! EXPOSE port specifications as BuildKit reads them (`convert_expose.go`):
//! `[ip:][hostPort:]containerPort[/proto]`, each port a number or a `start-end` range.

use crate::model::SemanticModel;
use crate::rules::helpers::buildkit::top_level_id;
use crate::rules::helpers::buildkit_env::env_before;
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::{Arguments, Instruction, Word};
use std::net::IpAddr;

/// One port specification of an EXPOSE.
pub(crate) struct PortSpec<'a> {
    /// The word it comes from.
    pub(crate) word: &'a Word,
    /// The specification after expansion, as BuildKit quotes it in its messages.
    pub(crate) raw: String,
    /// Whether the specification is the word exactly as written in the file (no variable,
    /// no quotes), so that an edit of the word is an edit of the specification.
    pub(crate) literal: bool,
    /// The IP address part (`127.0.0.1`, `[::1]`), empty when absent.
    pub(crate) ip: String,
    /// The host port part, empty when absent.
    pub(crate) host_port: String,
    /// The container port or range, without the protocol.
    pub(crate) container_port: String,
    /// The protocol as written (empty when absent).
    pub(crate) proto: String,
    /// Where the protocol starts in `raw`, when there is one.
    pub(crate) proto_offset: Option<usize>,
    /// Whether BuildKit rejects the specification (after its checks ran).
    pub(crate) invalid: bool,
}

/// The port specifications of an EXPOSE, in order, as BuildKit reads them: words are
/// expanded and split; a word whose expansion is not known is left out. An EXPOSE
/// registered by ONBUILD has none (it runs in another build).
/// BuildKit stops at the first specification it cannot read (its lint checks do not see the
/// rest): so does this list, unless `all` is set.
pub(crate) fn port_specs<'a>(
    model: &SemanticModel,
    instruction: &'a Instruction,
    all: bool,
) -> Vec<PortSpec<'a>> {
    let Some(id) = top_level_id(model, instruction) else {
        return Vec::new();
    };
    let Arguments::List(words) = &instruction.args else {
        return Vec::new();
    };
    let lexer = Lexer::new(model.file.escape);
    let env = words
        .iter()
        .any(|w| w.value.contains('$'))
        .then(|| env_before(model, id))
        .flatten();
    let mut specs = Vec::new();
    for word in words {
        let expanded = if word.value.contains('$') {
            let Some(env) = &env else { continue };
            match env.expand(&lexer, &word.value) {
                Some(e) if env.is_certain(&e) => lexer.process_words(&word.value, env).ok(),
                _ => None,
            }
        } else {
            lexer.process_words(&word.value, &EmptyEnv).ok()
        };
        let Some(expanded) = expanded else { continue };
        let single = expanded.len() == 1;
        for raw in expanded {
            let literal = single && !word.value.contains('$') && raw == word.value;
            let Some(spec) = parse(word, raw, literal) else {
                if all {
                    continue;
                }
                return specs;
            };
            let invalid = spec.invalid;
            specs.push(spec);
            if invalid && !all {
                return specs;
            }
        }
    }
    specs
}

/// Reads one specification; `None` when BuildKit fails before its lint checks (no port, an
/// unknown protocol).
fn parse(word: &Word, raw: String, literal: bool) -> Option<PortSpec<'_>> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (ip, host_port, container) = match parts.as_slice() {
        [container] => (String::new(), String::new(), *container),
        [host, container] => (String::new(), host.to_string(), *container),
        [ip, host, container] => (ip.to_string(), host.to_string(), *container),
        [.., host, container] => {
            let ip = parts[..parts.len() - 2].join(":");
            (ip, host.to_string(), *container)
        }
        [] => return None,
    };
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() || !matches!(proto.to_lowercase().as_str(), "" | "tcp" | "udp" | "sctp") {
        return None;
    }
    let proto_offset = (!proto.is_empty()).then(|| raw.len() - proto.len());
    let mut invalid = false;
    if !ip.is_empty() {
        let bare = ip
            .strip_prefix('[')
            .and_then(|i| i.strip_suffix(']'))
            .unwrap_or(&ip);
        invalid |= bare.parse::<IpAddr>().is_err();
    }
    match port_range(port) {
        Some((start, end)) => {
            if !host_port.is_empty() {
                match port_range(&host_port) {
                    Some((host_start, host_end)) => {
                        invalid |= end - start != host_end - host_start && end != start;
                    }
                    None => invalid = true,
                }
            }
        }
        None => invalid = true,
    }
    Some(PortSpec {
        word,
        container_port: port.to_string(),
        proto: proto.to_string(),
        proto_offset,
        ip,
        host_port,
        raw,
        literal,
        invalid,
    })
}

/// BuildKit's `parsePortRange`: `port` or `start-end`, each 0–65535, end not below start.
fn port_range(ports: &str) -> Option<(i64, i64)> {
    let (start, end) = match ports.split_once('-') {
        Some((start, end)) => (start, Some(end)),
        None => (ports, None),
    };
    let start_port = port_number(start)?;
    match end {
        None => Some((start_port, start_port)),
        Some(end) if end == start => Some((start_port, start_port)),
        Some(end) => {
            let end_port = port_number(end)?;
            (end_port >= start_port).then_some((start_port, end_port))
        }
    }
}

/// BuildKit's `parsePortNumber`: a decimal number from 0 to 65535.
fn port_number(text: &str) -> Option<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|port| (0..=65535).contains(port))
}

/// The numbers of a port or port range (`8080`, `8000-8100`) that are above 65535: a
/// number written with digits only (and an optional `+`) that BuildKit would otherwise read.
pub(crate) fn numbers_out_of_range(ports: &str) -> bool {
    ports.split('-').any(|part| {
        let digits = part.strip_prefix('+').unwrap_or(part);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits.parse::<u64>().map_or(true, |n| n > 65535)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_parser::TextRange;

    fn spec(raw: &str) -> Option<(String, String, String, String, bool)> {
        let word = Word {
            value: raw.to_string(),
            range: TextRange::empty(0),
        };
        parse(&word, raw.to_string(), true)
            .map(|s| (s.ip, s.host_port, s.container_port, s.proto, s.invalid))
    }

    #[test]
    fn specs_split_as_buildkit_splits_them() {
        let s = |ip: &str, host: &str, port: &str, proto: &str, invalid: bool| {
            Some((
                ip.to_string(),
                host.to_string(),
                port.to_string(),
                proto.to_string(),
                invalid,
            ))
        };
        assert_eq!(spec("80"), s("", "", "80", "", false));
        assert_eq!(spec("80/TcP"), s("", "", "80", "TcP", false));
        assert_eq!(spec("5000:5000"), s("", "5000", "5000", "", false));
        assert_eq!(
            spec("127.0.0.1:80:80"),
            s("127.0.0.1", "80", "80", "", false)
        );
        assert_eq!(
            spec("[::1]:8080:8080"),
            s("[::1]", "8080", "8080", "", false)
        );
        assert_eq!(spec("8000-8010/udp"), s("", "", "8000-8010", "udp", false));
        assert_eq!(spec("70000"), s("", "", "70000", "", true));
        assert_eq!(spec("bogus:80"), s("", "bogus", "80", "", true));
        assert_eq!(spec("80/http"), None);
        assert_eq!(spec("/tcp"), None);
        assert!(numbers_out_of_range("70000"));
        assert!(numbers_out_of_range("8000-99999"));
        assert!(!numbers_out_of_range("65535"));
        assert!(!numbers_out_of_range("$PORT"));
    }
}
