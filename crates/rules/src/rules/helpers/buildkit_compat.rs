//! Small pieces of BuildKit's behaviour that its build checks rely on, reproduced exactly:
//! the "did you mean" suggestion, Go's `%q` quoting (the parser's), image reference and
//! platform parsing, and where a check's finding goes so that its line is BuildKit's.

use crate::checker::Checker;
use plimsoll_parser::{Instruction, TextRange};
use regex::Regex;
use std::sync::LazyLock;

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
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        let domain_component = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let host = format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[a-fA-F0-9:]+\])");
        let domain = format!(r"{host}(?::[0-9]+)?");
        let component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
        let name = format!(r"(?:{domain}/)?{component}(?:/{component})*");
        let tag = r"[\w][\w.-]{0,127}";
        let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        Regex::new(&format!(r"^({name})(?::{tag})?(?:@({digest}))?$"))
            .expect("the reference grammar compiles")
    });
    static IMAGE_ID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[a-f0-9]{64}$").expect("the image ID pattern compiles"));
    if text.is_empty() || IMAGE_ID.is_match(text) {
        return false;
    }
    // `splitDockerDomain`: a first component without `.` or `:` that is not `localhost`
    // (and is lowercase) is a Docker Hub path, and official images get `library/`.
    let (domain, remainder) = match text.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
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
    if remote_name.to_lowercase() != remote_name {
        return false;
    }
    let full = if domain == "docker.io" && !remainder.contains('/') {
        format!("{domain}/library/{remainder}")
    } else {
        format!("{domain}/{remainder}")
    };
    let Some(captures) = REFERENCE.captures(&full) else {
        return false;
    };
    if captures
        .get(1)
        .is_some_and(|name| name.as_str().len() > 255)
    {
        return false;
    }
    match captures.get(2) {
        Some(digest) => is_valid_digest(digest.as_str()),
        None => true,
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
    hex.len() == length
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
