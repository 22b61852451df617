//! The value formats of hadolint's label schema: URIs, RFC 3339 times, SPDX license
//! expressions, Git hashes, semantic versions and email addresses. Plain parsers, no
//! allocation beyond small vectors, no panics.

use crate::rules::helpers::spdx;

/// RFC 3986 `unreserved`.
fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 `sub-delims`.
fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Whether `text` is made of `unreserved`, `pct-encoded`, `sub-delims` and the bytes of
/// `extra`.
fn is_uri_text(text: &str, extra: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(is_unreserved(c) || is_sub_delim(c) || extra.contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `text` is an absolute URI as RFC 3986 defines it (`scheme:hier-part`, with an
/// optional query and fragment), as hadolint's `parseURI` requires: `https://example.com/x`,
/// `mailto:a@b.c`, `urn:isbn:0451450523`. `example.com` (no scheme) is not one.
pub(crate) fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    if !scheme_bytes.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_bytes.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        return false;
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (hier, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !is_uri_text(fragment, b":@/?") || !is_uri_text(query, b":@/?") {
        return false;
    }
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if !is_authority(&after[..end]) {
                return false;
            }
            &after[end..]
        }
        None => hier,
    };
    is_uri_text(path, b":@/")
}

/// RFC 3986 `authority`: `[userinfo@]host[:port]`.
fn is_authority(authority: &str) -> bool {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| !is_uri_text(u, b":")) {
        return false;
    }
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        let literal_ok = !inside.is_empty()
            && inside
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'v' | b'V'));
        if !literal_ok {
            return false;
        }
        match after {
            "" => ("", None),
            _ => match after.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    is_uri_text(host, b"") && port.is_none_or(|p| p.bytes().all(|c| c.is_ascii_digit()))
}

/// `count` ASCII digits at the start of `text` as a number, and the rest.
fn digits(text: &str, count: usize) -> Option<(u32, &str)> {
    let head = text.get(..count)?;
    if !head.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &text[count..]))
}

/// Whether `text` is an RFC 3339 `date-time`: `2024-05-01T12:30:00Z`,
/// `2021-03-10T10:26:33.564595127+01:00` (`T` and `Z` in either case; the date must exist;
/// second 60 is a leap second).
pub(crate) fn is_rfc3339(text: &str) -> bool {
    fn parse(text: &str) -> Option<()> {
        let (year, rest) = digits(text, 4)?;
        let (month, rest) = digits(rest.strip_prefix('-')?, 2)?;
        let (day, rest) = digits(rest.strip_prefix('-')?, 2)?;
        let rest = rest.strip_prefix(['T', 't'])?;
        let (hour, rest) = digits(rest, 2)?;
        let (minute, rest) = digits(rest.strip_prefix(':')?, 2)?;
        let (second, mut rest) = digits(rest.strip_prefix(':')?, 2)?;
        if let Some(fraction) = rest.strip_prefix('.') {
            let width = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if width == 0 {
                return None;
            }
            rest = &fraction[width..];
        }
        if !(rest == "Z" || rest == "z") {
            let offset = rest.strip_prefix(['+', '-'])?;
            let (offset_hour, offset) = digits(offset, 2)?;
            let (offset_minute, offset) = digits(offset.strip_prefix(':')?, 2)?;
            if !offset.is_empty() || offset_hour > 23 || offset_minute > 59 {
                return None;
            }
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60).then_some(())
    }
    parse(text).is_some()
}

/// Whether `text` is a Git object name as Git prints it: 7 to 40 lowercase hexadecimal
/// digits (a full SHA-1 hash or an abbreviation of one; `git rev-parse --short` gives more
/// than 7 in large repositories), or 64 (a SHA-256 repository's full hash).
pub(crate) fn is_git_hash(text: &str) -> bool {
    let length_ok = (7..=40).contains(&text.len()) || text.len() == 64;
    length_ok && text.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `text` is a semantic version (semver.org 2.0.0): `1.2.3`, `1.0.0-rc.1+build.5`.
/// No leading `v`, no leading zeros in numbers.
pub(crate) fn is_semver(text: &str) -> bool {
    fn number(part: &str) -> bool {
        !part.is_empty()
            && part.bytes().all(|c| c.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    }
    fn identifiers(text: &str, numeric_rule: bool) -> bool {
        text.split('.').all(|id| {
            !id.is_empty()
                && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && (!numeric_rule || !id.bytes().all(|c| c.is_ascii_digit()) || number(id))
        })
    }
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (text, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut parts = core.split('.');
    let core_ok = (0..3).all(|_| parts.next().is_some_and(number)) && parts.next().is_none();
    core_ok
        && pre.is_none_or(|pre| identifiers(pre, true))
        && build.is_none_or(|build| identifiers(build, false))
}

/// RFC 5322 `atext`.
fn is_atext(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c)
}

/// RFC 5322 `dot-atom-text`.
fn is_dot_atom(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext))
}

/// RFC 5322 `quoted-string` (the whole of `text`).
fn is_quoted_string(text: &str) -> bool {
    let Some(inner) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
    else {
        return false;
    };
    let mut bytes = inner.bytes();
    while let Some(c) = bytes.next() {
        match c {
            b'\\' => {
                if !bytes
                    .next()
                    .is_some_and(|e| e == b'\t' || (b' '..=b'~').contains(&e))
                {
                    return false;
                }
            }
            b'"' => return false,
            b' ' | b'\t' | b'!'..=b'~' => {}
            _ => return false,
        }
    }
    true
}

/// Whether `text` is an RFC 5322 `addr-spec`: `local-part@domain`.
fn is_addr_spec(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = is_dot_atom(local) || is_quoted_string(local);
    let domain_ok = is_dot_atom(domain)
        || domain
            .strip_prefix('[')
            .and_then(|d| d.strip_suffix(']'))
            .is_some_and(|d| {
                d.bytes()
                    .all(|c| (b'!'..=b'Z').contains(&c) || (b'^'..=b'~').contains(&c))
            });
    local_ok && domain_ok
}

/// Whether `text` is an RFC 5322 `mailbox`: an `addr-spec` (`jo@example.com`) or a
/// `name-addr` (`Jo Smith <jo@example.com>`), with comments after it (`(@jo)`) as RFC 5322
/// allows. The display name is read as mail clients read it: any text without `<`, `>`
/// or an unbalanced `"` (so `Team @ Acme, Inc. <ops@acme.example>` is a mailbox).
fn is_mailbox(text: &str) -> bool {
    let mut text = text.trim();
    // Trailing comments: `<jo@example.com> (@jo)`.
    while let Some(inner) = text.strip_suffix(')') {
        let Some(open) = inner.rfind('(') else {
            return false;
        };
        text = inner[..open].trim_end();
    }
    let Some(angle) = text.strip_suffix('>') else {
        return is_addr_spec(text);
    };
    let Some((name, addr)) = angle.rsplit_once('<') else {
        return false;
    };
    is_addr_spec(addr.trim()) && is_display_name(name.trim())
}

/// A display name before `<…>`: a quoted string, or text without `<`, `>`, `"` and
/// control characters.
fn is_display_name(name: &str) -> bool {
    if name.starts_with('"') {
        return is_quoted_string(name);
    }
    !name
        .chars()
        .any(|c| matches!(c, '<' | '>' | '"') || (c.is_control() && c != '\t'))
}

/// Whether `text` is one RFC 5322 mailbox, or several separated by commas (an
/// `address-list` without groups), as a `maintainer` label often is.
pub(crate) fn is_mailbox_list(text: &str) -> bool {
    if is_mailbox(text) {
        return true;
    }
    // Commas inside quotes or angle brackets do not separate.
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    let mut angle = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.len() > 1 && parts.iter().all(|part| is_mailbox(part))
}

/// Whether `text` is an SPDX license expression (SPDX 2.3 annex D), every identifier on the
/// SPDX License List: `MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-or-later WITH
/// Classpath-exception-2.0`, `(MIT AND BSD-3-Clause)`, `LicenseRef-acme`. Identifiers match
/// in any case; operators are all uppercase or all lowercase.
pub(crate) fn is_spdx_expression(text: &str) -> bool {
    let mut tokens = Vec::new();
    for word in text.split_whitespace() {
        let mut rest = word;
        while !rest.is_empty() {
            let cut = rest.find(['(', ')']).unwrap_or(rest.len());
            if cut == 0 {
                tokens.push(&rest[..1]);
                rest = &rest[1..];
            } else {
                tokens.push(&rest[..cut]);
                rest = &rest[cut..];
            }
        }
    }
    let mut parser = SpdxParser { tokens, at: 0 };
    parser.expression(0) && parser.at == parser.tokens.len()
}

struct SpdxParser<'t> {
    tokens: Vec<&'t str>,
    at: usize,
}

impl SpdxParser<'_> {
    fn peek_operator(&self, operator: &str) -> bool {
        self.tokens
            .get(self.at)
            .is_some_and(|t| *t == operator || *t == operator.to_ascii_lowercase())
    }

    /// `expression := and ("OR" and)*`; `and := with ("AND" with)*`.
    fn expression(&mut self, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        loop {
            loop {
                if !self.with(depth) {
                    return false;
                }
                if !self.peek_operator("AND") {
                    break;
                }
                self.at += 1;
            }
            if !self.peek_operator("OR") {
                return true;
            }
            self.at += 1;
        }
    }

    /// `with := simple ["WITH" exception]`, or a parenthesised expression.
    fn with(&mut self, depth: usize) -> bool {
        let Some(&token) = self.tokens.get(self.at) else {
            return false;
        };
        self.at += 1;
        if token == "(" {
            let inner = self.expression(depth + 1);
            let closed = self.tokens.get(self.at) == Some(&")");
            self.at += 1;
            return inner && closed;
        }
        if !is_license(token) {
            return false;
        }
        if self.peek_operator("WITH") {
            self.at += 1;
            let Some(&exception) = self.tokens.get(self.at) else {
                return false;
            };
            self.at += 1;
            return spdx::contains(spdx::EXCEPTIONS, exception)
                || is_ref(exception, "AdditionRef-");
        }
        true
    }
}

/// An `idstring` after `prefix` (`LicenseRef-acme`), in any case.
fn is_ref(token: &str, prefix: &str) -> bool {
    token
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        && token.len() > prefix.len()
        && token[prefix.len()..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
}

/// A license: a listed identifier (optionally followed by `+`), a `LicenseRef-…`, or a
/// `DocumentRef-…:LicenseRef-…`.
fn is_license(token: &str) -> bool {
    if let Some((document, license)) = token.split_once(':') {
        return is_ref(document, "DocumentRef-") && is_ref(license, "LicenseRef-");
    }
    if is_ref(token, "LicenseRef-") {
        return true;
    }
    spdx::contains(spdx::LICENSES, token)
        || token
            .strip_suffix('+')
            .is_some_and(|id| spdx::contains(spdx::LICENSES, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for ok in [
            "https://example.com",
            "https://example.com/a/b?c=d&e#f",
            "http://user:pw@example.com:8080/",
            "http://[::1]:80/x",
            "file:///etc/hosts",
            "mailto:jo@example.com",
            "urn:isbn:0451450523",
            "git+ssh://git@github.com/a/b.git",
            "https://example.com/a%20b",
        ] {
            assert!(is_uri(ok), "{ok}");
        }
        for bad in [
            "",
            "example.com",
            "not a url",
            "https://exa mple.com",
            "1http://x",
            "git@github.com:a/b.git",
            "https://example.com/%zz",
            "http://example.com:80a/",
            "https://example.com/é",
            "http://[::1/",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn times() {
        for ok in [
            "2021-03-10T10:26:33.564595127+01:00",
            "2024-02-29T00:00:00Z",
            "1990-12-31t23:59:60z",
            "2024-05-01T12:30:00-07:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "not-date",
            "2024-05-01",
            "2024-05-01 12:30:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30:00.Z",
            "2024-05-01T12:30:00+0100",
            "2024-5-01T12:30:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn git_hashes() {
        assert!(is_git_hash("2dbfae9"));
        assert!(is_git_hash("2dbfae9c1"));
        assert!(is_git_hash(&"a".repeat(40)));
        assert!(is_git_hash(&"0".repeat(64)));
        assert!(!is_git_hash("2dbfae"));
        assert!(!is_git_hash("2DBFAE9"));
        assert!(!is_git_hash("not-git-hash"));
        assert!(!is_git_hash(&"a".repeat(41)));
    }

    #[test]
    fn semvers() {
        for ok in [
            "0.0.0",
            "1.2.3",
            "1.0.0-rc.1+build.5",
            "1.0.0-alpha-1",
            "10.20.30+001",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "v1.2.3",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            "latest",
            "",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "abcd@google.com",
            "a.b+c@example.co.uk",
            "\"jo smith\"@example.com",
            "root@localhost",
            "Jo Smith <jo@example.com>",
            "\"Smith, Jo\" <jo@example.com>",
            "Jo Q. Smith <jo@example.com>",
            "José Núñez <jose@example.com>",
            "<jo@example.com>",
            "Jo <jo@example.com>, Al <al@example.com>",
            "jo@[192.168.0.1]",
            "Team Gateway&Proxy @ Acme SE <team@acme.example>",
            "Acme Digital, Inc. <admin@acme.example>",
            "Kong Docker Maintainers <docker@example.com> (@team-gateway-bot)",
        ] {
            assert!(is_mailbox_list(ok), "{ok}");
        }
        for bad in [
            "not-email",
            "",
            "jo@",
            "@example.com",
            "jo..smith@example.com",
            "Jo Smith",
            "Jo Smith <jo>",
            "jo@example.com>",
            "jo smith@example.com",
            "Jo, Al",
            "Jo Smith jo@example.com",
            "Jo <jo@example.com> (unclosed",
            "Jo\" <jo@example.com>",
            "Acme, Inc.",
        ] {
            assert!(!is_mailbox_list(bad), "{bad}");
        }
    }

    #[test]
    fn spdx_expressions() {
        for ok in [
            "MIT",
            "mit",
            "Apache-2.0 OR MIT",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "(MIT AND BSD-3-Clause) OR Apache-2.0",
            "(MIT)",
            "LGPL-2.1+",
            "GPL-2.0+",
            "LicenseRef-acme",
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            "MIT or Apache-2.0",
        ] {
            assert!(is_spdx_expression(ok), "{ok}");
        }
        for bad in [
            "",
            "Apache 2.0",
            "MIT/Apache-2.0",
            "MIT OR",
            "(MIT",
            "MIT)",
            "MIT Or Apache-2.0",
            "MIT WITH Apache-2.0",
            "GPL",
            "LicenseRef-",
            "((((((((((((((((((((((((((((((((((MIT))))))))))))))))))))))))))))))))))",
        ] {
            assert!(!is_spdx_expression(bad), "{bad}");
        }
    }
}
