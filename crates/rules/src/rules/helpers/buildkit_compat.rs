//! Small pieces of BuildKit's behaviour that its build checks rely on, reproduced exactly:
//! the "did you mean" suggestion, Go's `%q` quoting (the parser's), image reference and
//! platform parsing, and where a check's finding goes so that its line is BuildKit's.

use crate::checker::Checker;
use plimsoll_parser::{Instruction, TextRange};

/// BuildKit's `suggest.Search`: the option closest to `value` by Levenshtein distance, if
/// it is at most 2 edits away; the first of equally close options wins. An option equal to
/// `value` means the value was not a typo: no suggestion then. Case-insensitive search
/// compares lowercased text and gives the match in the case of `value` (all lower or all
/// upper, else as the option is written).
///
/// BuildKit's build checks search case-sensitively (it runs on Linux).
pub(crate) fn suggest<'a>(
    value: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> Option<String> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let value_folded = fold(value);
    let mut best: Option<String> = None;
    let mut min = 3;
    for option in options {
        let option = fold(option);
        if option == value_folded {
            return None;
        }
        let distance = levenshtein(&value_folded, &option);
        if distance < min {
            min = distance;
            best = Some(if case_sensitive {
                option
            } else {
                match_case(&option, value)
            });
        }
    }
    best.filter(|b| !b.is_empty())
}

pub(crate) use plimsoll_parser::levenshtein;

/// BuildKit's `matchCase`: `option` in lowercase or uppercase when `original` is written so.
fn match_case(option: &str, original: &str) -> String {
    if original == original.to_lowercase() {
        option.to_lowercase()
    } else if original == original.to_uppercase() {
        option.to_uppercase()
    } else {
        option.to_string()
    }
}

/// Go's `strconv.Quote` (the `%q` verb), which BuildKit's messages use.
pub(crate) use plimsoll_parser::dump::go_quote;

/// Where a finding about `range` (a part of `instruction`) goes: `range` itself when it
/// starts on the instruction's first line, else from the instruction's start to the end of
/// `range`. BuildKit reports its checks at the instruction's first line; this keeps that
/// line while pointing at the part at fault.
pub(crate) fn on_first_line(
    checker: &Checker<'_>,
    instruction: &Instruction,
    range: TextRange,
) -> TextRange {
    let first_line = checker.line_start(instruction.range.start);
    if range.is_empty() || checker.line_start(range.start) != first_line {
        TextRange::new(
            instruction.range.start,
            range.end.max(instruction.range.start),
        )
    } else {
        range
    }
}

/// Whether `text` is a valid image reference for Docker's `reference.ParseNormalizedNamed`,
/// the parser BuildKit resolves a `FROM` with: a lowercase repository, an optional tag and
/// an optional digest of a known algorithm, at most 255 characters of name, and not a bare
/// image ID.
pub(crate) fn is_valid_reference(text: &str) -> bool {
    if text.is_empty() || is_image_id(text) {
        return false;
    }
    // `splitDockerDomain`: a first component without `.` or `:` that is not `localhost`
    // (and is lowercase) is a Docker Hub path, and official images get `library/`.
    let (domain, remainder) = match text.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || has_uppercase(first) =>
        {
            (first, rest)
        }
        _ => ("docker.io", text),
    };
    let domain = if domain == "index.docker.io" {
        "docker.io"
    } else {
        domain
    };
    let remote_name = remainder.split(':').next().unwrap_or(remainder);
    if has_uppercase(remote_name) {
        return false;
    }
    let full = if domain == "docker.io" && !remainder.contains('/') {
        format!("{domain}/library/{remainder}")
    } else {
        format!("{domain}/{remainder}")
    };
    matches_reference_grammar(&full)
}

/// Whether `text` changes when lowercased (the Unicode lowercasing Go's `strings.ToLower`
/// does, without building the lowered text for the usual ASCII case).
fn has_uppercase(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        text.to_lowercase() != text
    }
}

/// An image ID: 64 lowercase hexadecimal digits.
fn is_image_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(is_lower_hex)
}

fn is_lower_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

/// distribution/reference's `ReferenceRegexp`, anchored at both ends, with the checks
/// `reference.Parse` makes on its parts (the name at most 255 characters, the digest of a
/// known algorithm), written out as code: the grammar is
///
/// ```text
/// reference  := name [ ":" tag ] [ "@" digest ]
/// name       := [ domain "/" ] component ( "/" component )*
/// domain     := host [ ":" [0-9]+ ]
/// host       := domain-component ( "." domain-component )* | "[" [a-fA-F0-9:]+ "]"
/// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9] [a-zA-Z0-9-]* [a-zA-Z0-9]
/// component  := [a-z0-9]+ ( separator [a-z0-9]+ )*
/// separator  := "." | "_" | "__" | "-"+
/// tag        := [\w] [\w.-]{0,127}
/// digest     := algorithm ":" [0-9a-fA-F]{32,}
/// ```
///
/// where `\w` is Go's, ASCII only: `[0-9A-Za-z_]`.
fn matches_reference_grammar(reference: &str) -> bool {
    // No part holds an `@`: the first one starts the digest.
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((before, digest)) => (before, Some(digest)),
        None => (reference, None),
    };
    // A tag holds neither `/` nor `:`, and a name's only `:` is its domain's port, before
    // its first `/`: a `:` after the last `/` (or in a name without `/`) starts the tag.
    let last_slash = name_and_tag.rfind('/');
    let (name, tag) = match name_and_tag.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
            (&name_and_tag[..colon], Some(&name_and_tag[colon + 1..]))
        }
        _ => (name_and_tag, None),
    };
    is_valid_name(name)
        && name.len() <= 255
        && tag.is_none_or(is_valid_tag)
        && digest.is_none_or(is_valid_digest)
}

/// `[ domain "/" ] component ( "/" component )*`: a first part that is a domain needs a
/// component after it; one that is a component may stand alone.
fn is_valid_name(name: &str) -> bool {
    let mut parts = name.split('/');
    let first = parts.next().unwrap_or_default();
    let rest_are_components = parts.clone().all(is_valid_path_component);
    let has_rest = parts.next().is_some();
    rest_are_components && (is_valid_path_component(first) || (has_rest && is_valid_domain(first)))
}

/// `[a-z0-9]+ ( ("." | "_" | "__" | "-"+) [a-z0-9]+ )*`.
fn is_valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let is_alphanumeric = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut at = 0;
    loop {
        let run = bytes[at..]
            .iter()
            .take_while(|b| is_alphanumeric(b))
            .count();
        if run == 0 {
            return false;
        }
        at += run;
        if at == bytes.len() {
            return true;
        }
        let separator = bytes[at..]
            .iter()
            .take_while(|b| !is_alphanumeric(b))
            .count();
        let valid_separator = match &bytes[at..at + separator] {
            b"." | b"_" | b"__" => true,
            dashes => dashes.iter().all(|&b| b == b'-'),
        };
        if !valid_separator {
            return false;
        }
        at += separator;
    }
}

/// `host [ ":" [0-9]+ ]`, the host a DNS name or an IPv6 address in brackets.
fn is_valid_domain(domain: &str) -> bool {
    let (host, port) = if let Some(inside) = domain.strip_prefix('[') {
        // The address's class has no `]`: the first one closes it.
        let Some((address, after)) = inside.split_once(']') else {
            return false;
        };
        let valid_address =
            !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        if !valid_address {
            return false;
        }
        match after.strip_prefix(':') {
            Some(port) => (None, Some(port)),
            None if after.is_empty() => (None, None),
            None => return false,
        }
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), None),
        }
    };
    let valid_host = host.is_none_or(|host| host.split('.').all(is_valid_domain_component));
    let valid_port =
        port.is_none_or(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    valid_host && valid_port
}

/// `[a-zA-Z0-9] | [a-zA-Z0-9] [a-zA-Z0-9-]* [a-zA-Z0-9]`.
fn is_valid_domain_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// `[\w] [\w.-]{0,127}` with Go's ASCII `\w`.
fn is_valid_tag(tag: &str) -> bool {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    match tag.as_bytes().split_first() {
        Some((&first, rest)) => {
            is_word(first)
                && rest.len() <= 127
                && rest.iter().all(|&b| is_word(b) || b == b'.' || b == b'-')
        }
        None => false,
    }
}

/// `digest.Parse`: a known algorithm with its exact length of lowercase hexadecimal digits.
fn is_valid_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == length && hex.bytes().all(is_lower_hex)
}

/// A platform as containerd's `platforms.Parse` reads it, for a build on linux/amd64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Platform {
    /// `linux`, `windows`, `darwin`, …
    pub(crate) os: String,
    /// `amd64`, `arm64`, `arm`, …
    pub(crate) architecture: String,
}

/// containerd's `platforms.Parse`: `os`, `arch`, `os/arch` or `os/arch/variant`, names
/// normalized (`x86_64` is `amd64`, `aarch64` is `arm64`, `macos` is `darwin`); `None` when
/// BuildKit would reject the value.
pub(crate) fn parse_platform(specifier: &str) -> Option<Platform> {
    if specifier.contains('*') {
        return None;
    }
    let parts: Vec<&str> = specifier.split('/').collect();
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    // A Windows OS version in parentheses: `windows(10.0.17763)/amd64`.
    let os_part = match parts.first() {
        Some(first) => match first.split_once('(') {
            Some((os, version)) if version.ends_with(')') => os,
            _ => first,
        },
        None => return None,
    };
    if !valid(os_part) || !parts.iter().skip(1).all(|p| valid(p)) {
        return None;
    }
    match parts.len() {
        1 => {
            let os = normalize_os(os_part);
            if KNOWN_OS.contains(&os.as_str()) {
                return Some(Platform {
                    os,
                    architecture: "amd64".to_string(),
                });
            }
            let architecture = normalize_arch(os_part);
            KNOWN_ARCH
                .contains(&architecture.as_str())
                .then(|| Platform {
                    os: "linux".to_string(),
                    architecture,
                })
        }
        2 | 3 => Some(Platform {
            os: normalize_os(os_part),
            architecture: normalize_arch(parts[1]),
        }),
        _ => None,
    }
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

fn normalize_os(os: &str) -> String {
    let os = os.to_lowercase();
    if os == "macos" {
        "darwin".to_string()
    } else {
        os
    }
}

fn normalize_arch(arch: &str) -> String {
    let arch = arch.to_lowercase();
    match arch.as_str() {
        "i386" => "386".to_string(),
        "x86_64" | "x86-64" => "amd64".to_string(),
        "aarch64" => "arm64".to_string(),
        "armhf" | "armel" => "arm".to_string(),
        _ => arch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_buildkit() {
        let options = ["BUILDPLATFORM", "TARGETPLATFORM", "MY_ARCH", "MY_OS"];
        assert_eq!(
            suggest("BULIDPLATFORM", options, true).as_deref(),
            Some("BUILDPLATFORM")
        );
        assert_eq!(suggest("MYARCH", options, true).as_deref(), Some("MY_ARCH"));
        assert_eq!(suggest("version", options, true), None);
        assert_eq!(suggest("MY_OS", options, true), None);
        assert_eq!(suggest("my_os", options, true), None);
        assert_eq!(suggest("my_oz", options, false).as_deref(), Some("my_os"));
        assert_eq!(suggest("PAHT", ["PATH"], true).as_deref(), Some("PATH"));
        // The first of equally close options wins.
        assert_eq!(suggest("AB", ["AC", "AD"], true).as_deref(), Some("AC"));
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
    }

    #[test]
    fn references() {
        for valid in [
            "busybox",
            "busybox:latest",
            "docker.io/library/golang:1.23-alpine",
            "localhost:5000/app",
            "gcr.io/distroless/static-debian12:nonroot",
            "alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "Registry.Example.com/app",
        ] {
            assert!(is_valid_reference(valid), "{valid}");
        }
        for invalid in [
            "",
            "busybox:",
            "Busybox",
            "busy box",
            ":latest",
            "alpine@sha256:00",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "a//b",
        ] {
            assert!(!is_valid_reference(invalid), "{invalid}");
        }
    }

    #[test]
    fn reference_grammar_edge_cases() {
        let tag_128 = format!("alpine:{}", "a".repeat(128));
        let tag_129 = format!("alpine:{}", "a".repeat(129));
        let digest =
            |algorithm: &str, digits: usize| format!("alpine@{algorithm}:{}", "a".repeat(digits));
        let long_name = format!("r.io/{}/app", "a".repeat(246));
        let too_long_name = format!("r.io/{}/app", "a".repeat(247));
        for valid in [
            // Domains: with a port, IPv6 in brackets, dashes inside a component.
            "registry.example.com:5000/team/app:1.0",
            "[::1]:5000/app",
            "[fe80::1]/app",
            "my-registry.example/app",
            "localhost/app",
            "index.docker.io/library/alpine",
            // Path component separators.
            "a.b/c_d/e__f/g-h/i---j",
            "a/b/c/d/e",
            // Tags: word characters, dots and dashes after the first.
            "alpine:3.20_rc-1",
            "alpine:_hidden",
            "alpine:LATEST",
            tag_128.as_str(),
            // Digests of each known algorithm, with and without a tag.
            digest("sha256", 64).as_str(),
            digest("sha384", 96).as_str(),
            digest("sha512", 128).as_str(),
            "alpine:3@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            // The name counts its domain: 255 characters in all.
            long_name.as_str(),
        ] {
            assert!(is_valid_reference(valid), "{valid}");
        }
        for invalid in [
            // Domains: a dash at either end of a component, an empty port, junk after IPv6.
            "-registry.example/app",
            "registry-.example/app",
            "registry..example/app",
            "registry.example:/app",
            "registry.example:50a/app",
            "[::1/app",
            "[]/app",
            "[::g]/app",
            "[::1]x/app",
            "[::1]:/app",
            // Separators: none at either end, none other than `.`, `_`, `__`, `-+`.
            "a.-b",
            "a___b",
            "a..b",
            "a_.b",
            "_a",
            "a-",
            "a/",
            "/a",
            "a+b",
            // An uppercase repository.
            "library/Alpine",
            "registry.example/App",
            // Tags: a word character first, 128 characters at most, ASCII only.
            "alpine:.hidden",
            "alpine:-x",
            tag_129.as_str(),
            "alpine:caf\u{e9}",
            "alpine:a:b",
            // Digests: a known algorithm, its exact length, lowercase hexadecimal.
            digest("sha256", 63).as_str(),
            digest("sha256", 65).as_str(),
            digest("sha384", 64).as_str(),
            digest("md5", 32).as_str(),
            "alpine@sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "alpine@",
            "alpine@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x",
            too_long_name.as_str(),
        ] {
            assert!(!is_valid_reference(invalid), "{invalid}");
        }
    }

    #[test]
    fn platforms() {
        let p = parse_platform("linux/amd64").unwrap();
        assert_eq!((p.os.as_str(), p.architecture.as_str()), ("linux", "amd64"));
        let p = parse_platform("Linux/aarch64/v8").unwrap();
        assert_eq!((p.os.as_str(), p.architecture.as_str()), ("linux", "arm64"));
        let p = parse_platform("arm64").unwrap();
        assert_eq!(p.os, "linux");
        let p = parse_platform("windows").unwrap();
        assert_eq!(p.architecture, "amd64");
        assert!(parse_platform("linux/").is_none());
        assert!(parse_platform("bogus").is_none());
        assert!(parse_platform("linux/*").is_none());
    }
}
