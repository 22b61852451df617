//! `.dockerignore` matching with the semantics of moby's `patternmatcher`, the matcher Docker
//! and BuildKit use: patterns are cleaned paths, `*` and `?` stop at `/`, `**` crosses
//! directories, `!` re-includes, the last matching pattern wins, and a path is excluded when
//! it or any of its parent directories matches.

use regex::Regex;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A `.dockerignore` pattern that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern as given.
    pub pattern: String,
    /// Why it is invalid, in moby's words.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pattern, self.message)
    }
}

impl std::error::Error for PatternError {}

/// Reads the lines of a `.dockerignore` file into patterns, as Docker's `ignorefile.ReadAll`
/// does: a BOM and `#` comment lines are dropped, lines are trimmed and cleaned, and a
/// leading `/` is removed (patterns are relative to the context root).
///
/// ```
/// use plimsoll_rules::context::dockerignore::read_patterns;
/// assert_eq!(read_patterns("# comment\n/.git\n!./keep/../README.md\n\n"), [".git", "!README.md"]);
/// ```
pub fn read_patterns(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut patterns = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut cleaned = String::new();
        if !pattern.is_empty() {
            cleaned = clean(pattern);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
        }
        patterns.push(if invert {
            format!("!{cleaned}")
        } else {
            cleaned
        });
    }
    patterns
}

/// Go's `filepath.Clean` for slash-separated paths.
///
/// ```
/// use plimsoll_rules::context::dockerignore::clean;
/// assert_eq!(clean("a//b/./c/../d/"), "a/b/d");
/// assert_eq!(clean("/../x"), "/x");
/// assert_eq!(clean(""), ".");
/// ```
pub fn clean(path: &str) -> String {
    // Most paths (context paths, `.dockerignore` lines) are clean already.
    if is_clean(path) {
        return path.to_string();
    }
    clean_parts(path)
}

/// [`clean`] done part by part.
fn clean_parts(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Whether [`clean`] returns `path` unchanged: no empty, `.` or `..` part and no trailing
/// `/` (a `..` can be kept by `clean`, but is rare enough to leave to it).
fn is_clean(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let relative = path.strip_prefix('/').unwrap_or(path);
    !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !matches!(part, "" | "." | ".."))
}

/// How one pattern is matched; moby avoids a regular expression where it can.
#[derive(Debug)]
enum Matcher {
    Exact,
    /// `dir/**`: anything starting with the text before `**`.
    Prefix(String),
    /// `**/name`: anything ending with the text after `**`.
    Suffix(String),
    /// What moby matches with a regular expression, when the pattern has only `*`, `?`,
    /// `**` and literal text: matched without building one.
    Glob(Vec<GlobToken>),
    /// The rest (classes, escapes): moby's regular expression.
    Regex(Regex),
}

/// A piece of a [`Matcher::Glob`], named after the regular expression moby writes for it.
#[derive(Debug, PartialEq)]
enum GlobToken {
    Literal(String),
    /// `[^/]*`
    AnyInSegment,
    /// `[^/]`
    OneInSegment,
    /// `(.*/)?`: nothing, or anything ending with `/` (`.` stops at a newline).
    AnyDirectories,
    /// `.*`
    AnyText,
}

/// Whether `path` matches all of `tokens`, as the anchored regular expression moby builds
/// from them would: the set of positions the tokens so far can end at, token by token.
fn glob_matches(tokens: &[GlobToken], path: &str) -> bool {
    // The expression is anchored at both ends: literal text there must start or end the
    // path (`*.csproj` is checked against every file of a context).
    if let Some(GlobToken::Literal(last)) = tokens.last() {
        if !path.ends_with(last.as_str()) {
            return false;
        }
    }
    if let Some(GlobToken::Literal(first)) = tokens.first() {
        if !path.starts_with(first.as_str()) {
            return false;
        }
    }
    let mut ends = vec![false; path.len() + 1];
    ends[0] = true;
    let mut next = vec![false; path.len() + 1];
    for token in tokens {
        next.fill(false);
        match token {
            GlobToken::Literal(text) => {
                for start in (0..=path.len()).filter(|&i| ends[i]) {
                    if path[start..].starts_with(text.as_str()) {
                        next[start + text.len()] = true;
                    }
                }
            }
            GlobToken::OneInSegment => {
                for start in (0..=path.len()).filter(|&i| ends[i]) {
                    if let Some(c) = path[start..].chars().next().filter(|&c| c != '/') {
                        next[start + c.len_utf8()] = true;
                    }
                }
            }
            // One sweep for every start at once (each start alone would be quadratic): a
            // position is reached while some start before it has met no stop character.
            GlobToken::AnyInSegment | GlobToken::AnyText => {
                let stop = if *token == GlobToken::AnyText {
                    '\n'
                } else {
                    '/'
                };
                let mut reached = false;
                for (i, c) in path.char_indices() {
                    reached |= ends[i];
                    next[i] = reached;
                    if c == stop {
                        reached = false;
                    }
                }
                next[path.len()] = reached || ends[path.len()];
            }
            GlobToken::AnyDirectories => {
                let mut reached = false;
                for (i, c) in path.char_indices() {
                    reached |= ends[i];
                    next[i] |= ends[i];
                    match c {
                        '\n' => reached = false,
                        '/' if reached => next[i + 1] = true,
                        _ => {}
                    }
                }
                next[path.len()] |= ends[path.len()];
            }
        }
        std::mem::swap(&mut ends, &mut next);
    }
    ends[path.len()]
}

#[derive(Debug)]
struct Pattern {
    cleaned: String,
    exclusion: bool,
    matcher: Matcher,
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.matcher {
            Matcher::Exact => path == self.cleaned,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            Matcher::Glob(tokens) => glob_matches(tokens, path),
            Matcher::Regex(re) => re.is_match(path),
        }
    }
}

/// The compiled patterns of one `.dockerignore`.
///
/// ```
/// use plimsoll_rules::context::dockerignore::PatternMatcher;
///
/// let m = PatternMatcher::new(["**/*.pem", ".git", "!keep/*.pem"]).unwrap();
/// assert!(m.matches_or_parent_matches("certs/server.pem"));
/// assert!(m.matches_or_parent_matches(".git/config"));
/// assert!(!m.matches_or_parent_matches("keep/ca.pem"));
/// assert!(!m.matches_or_parent_matches("main.go"));
/// ```
#[derive(Clone, Debug)]
pub struct PatternMatcher {
    /// Shared, so that matchers are cloned and joined ([`PatternMatcher::concat`]) without
    /// compiling anything again.
    patterns: Vec<Arc<Pattern>>,
}

impl PatternMatcher {
    /// Compiles `patterns` (the lines of a `.dockerignore`, or the output of
    /// [`read_patterns`]). Blank patterns are skipped; a lone `!` or a malformed pattern
    /// is an error, as in moby.
    pub fn new<I, S>(patterns: I) -> Result<PatternMatcher, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut compiled = Vec::new();
        for original in patterns {
            let original = original.as_ref();
            let trimmed = original.trim();
            if trimmed.is_empty() {
                continue;
            }
            let mut cleaned = clean(trimmed);
            let exclusion = cleaned.starts_with('!');
            if exclusion {
                if cleaned.len() == 1 {
                    return Err(PatternError {
                        pattern: original.to_string(),
                        message: "illegal exclusion pattern: \"!\"".to_string(),
                    });
                }
                cleaned.remove(0);
            }
            validate_glob(&cleaned).map_err(|message| PatternError {
                pattern: original.to_string(),
                message,
            })?;
            let matcher = compile(&cleaned).map_err(|message| PatternError {
                pattern: original.to_string(),
                message,
            })?;
            compiled.push(Arc::new(Pattern {
                cleaned,
                exclusion,
                matcher,
            }));
        }
        Ok(PatternMatcher { patterns: compiled })
    }

    /// Whether `path` (slash-separated, relative to the context root) is excluded from the
    /// build context: the last pattern matching it or one of its parent directories decides.
    pub fn matches_or_parent_matches(&self, path: &str) -> bool {
        let parent = parent_dir(path);
        // moby joins the first 1, 2, … parts of the parent: the prefixes of the parent that
        // end before each `/`, then the whole parent.
        let parent_dirs = || {
            parent
                .match_indices('/')
                .map(|(end, _)| &parent[..end])
                .chain(std::iter::once(&*parent))
        };
        let mut matched = false;
        for pattern in &self.patterns {
            // An inclusion cannot change an excluded path, nor an exclusion an included one.
            if pattern.exclusion != matched {
                continue;
            }
            let hit = pattern.matches(path)
                || (parent != "." && parent_dirs().any(|dir| pattern.matches(dir)));
            if hit {
                matched = !pattern.exclusion;
            }
        }
        matched
    }

    /// The patterns of `matchers`, in order: what compiling their lines one after the
    /// other gives, without compiling them again.
    ///
    /// ```
    /// use plimsoll_rules::context::dockerignore::PatternMatcher;
    ///
    /// let secrets = PatternMatcher::new(["**/.env"]).unwrap();
    /// let keep = PatternMatcher::new(["!app/.env"]).unwrap();
    /// let both = PatternMatcher::concat([&secrets, &keep]);
    /// assert!(both.matches_or_parent_matches(".env"));
    /// assert!(!both.matches_or_parent_matches("app/.env"));
    /// ```
    pub fn concat<'a>(matchers: impl IntoIterator<Item = &'a PatternMatcher>) -> PatternMatcher {
        PatternMatcher {
            patterns: matchers
                .into_iter()
                .flat_map(|m| m.patterns.iter().cloned())
                .collect(),
        }
    }

    /// Whether any pattern re-includes paths (`!pattern`).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }
}

/// Go's `filepath.Dir` for slash-separated paths.
fn parent_dir(path: &str) -> Cow<'_, str> {
    match path.rfind('/') {
        // Cleaning `dir/` gives `dir` when `dir` is clean: the usual case, with no copy.
        Some(i) if i > 0 && is_clean(&path[..i]) => Cow::Borrowed(&path[..i]),
        Some(i) => Cow::Owned(clean(&path[..=i])),
        None => Cow::Borrowed("."),
    }
}

/// The syntax errors Go's `filepath.Match` reports for a pattern (its `getEsc` rules: a
/// class item may not be an unescaped `-` or `]`, a range end neither, and a class must be
/// closed).
fn validate_glob(pattern: &str) -> Result<(), String> {
    const BAD: &str = "syntax error in pattern";
    /// Go's `getEsc`: one class item, escaped or not; something must follow it.
    fn class_item(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<char, String> {
        let c = match chars.next() {
            None | Some('-') | Some(']') => return Err(BAD.to_string()),
            Some('\\') => chars.next().ok_or(BAD)?,
            Some(c) => c,
        };
        if chars.peek().is_none() {
            return Err(BAD.to_string());
        }
        Ok(c)
    }
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next().ok_or(BAD)?;
            }
            '[' => {
                if chars.peek() == Some(&'^') {
                    chars.next();
                }
                let mut ranges = 0;
                loop {
                    if chars.peek() == Some(&']') && ranges > 0 {
                        chars.next();
                        break;
                    }
                    class_item(&mut chars)?;
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        class_item(&mut chars)?;
                    }
                    ranges += 1;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Compiles `re` once per process: the same patterns (`.git`, `**/*.pem`, the lines rules
/// propose) come back for every Dockerfile, and compiling a regex costs far more than
/// matching with it. The cache is bounded; a `Regex` clone shares the compiled program.
fn cached_regex(re: &str) -> Result<Regex, String> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    const LIMIT: usize = 4096;
    static CACHE: LazyLock<Mutex<HashMap<String, Regex>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Some(regex) = CACHE.lock().ok().and_then(|cache| cache.get(re).cloned()) {
        return Ok(regex);
    }
    let regex = Regex::new(re).map_err(|e| e.to_string())?;
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= LIMIT {
            cache.clear();
        }
        cache.insert(re.to_string(), regex.clone());
    }
    Ok(regex)
}

/// moby's translation of a pattern into a matcher (a regular expression only when needed).
fn compile(pattern: &str) -> Result<Matcher, String> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let mut re = String::from("^");
    // The same pattern as glob tokens, while it has nothing only a regex can match.
    let mut glob = Some(Vec::new());
    let mut kind = Kind::Exact;
    let mut chars = pattern.chars().peekable();
    let mut first = true;
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            // Inside a class, Go's RE2 takes `[`, `&`, `~` literally; the regex crate reads
            // them as nested classes and set operations unless escaped.
            '[' | '&' | '~' if in_class => {
                re.push('\\');
                re.push(c);
            }
            '^' if in_class && re.ends_with('[') => re.push('^'),
            '*' if in_class => re.push_str("\\*"),
            '?' if in_class => re.push_str("\\?"),
            ']' if in_class => {
                re.push(']');
                in_class = false;
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        re.push_str(".*");
                        push_glob(&mut glob, GlobToken::AnyText);
                        kind = Kind::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    push_glob(&mut glob, GlobToken::AnyDirectories);
                    kind = Kind::Regex;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                push_glob(&mut glob, GlobToken::AnyInSegment);
                kind = Kind::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                push_glob(&mut glob, GlobToken::OneInSegment);
                kind = Kind::Regex;
            }
            // moby's `shouldEscape`: regex operators that mean nothing to `filepath.Match`.
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                re.push('\\');
                re.push(c);
                push_glob_char(&mut glob, c);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                    kind = Kind::Regex;
                }
                None => re.push_str("\\\\"),
            },
            '[' => {
                re.push('[');
                in_class = true;
                kind = Kind::Regex;
            }
            ']' => {
                re.push(c);
                kind = Kind::Regex;
            }
            c => {
                re.push(c);
                // An unescaped `^` is an anchor in moby's regex, not a character.
                if c == '^' {
                    glob = None;
                } else {
                    push_glob_char(&mut glob, c);
                }
            }
        }
        if in_class || c == '\\' || c == ']' {
            glob = None;
        }
        first = false;
    }
    Ok(match kind {
        Kind::Exact => Matcher::Exact,
        Kind::Prefix => Matcher::Prefix(pattern[..pattern.len() - 2].to_string()),
        Kind::Suffix => Matcher::Suffix(pattern[2..].to_string()),
        Kind::Regex => match glob {
            Some(tokens) => Matcher::Glob(tokens),
            None => {
                re.push('$');
                Matcher::Regex(cached_regex(&re)?)
            }
        },
    })
}

fn push_glob(glob: &mut Option<Vec<GlobToken>>, token: GlobToken) {
    if let Some(tokens) = glob {
        tokens.push(token);
    }
}

fn push_glob_char(glob: &mut Option<Vec<GlobToken>>, c: char) {
    if let Some(tokens) = glob {
        match tokens.last_mut() {
            Some(GlobToken::Literal(text)) => text.push(c),
            _ => tokens.push(GlobToken::Literal(c.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn excluded(patterns: &[&str], path: &str) -> bool {
        PatternMatcher::new(patterns)
            .unwrap()
            .matches_or_parent_matches(path)
    }

    /// Cases from Docker's documentation of `.dockerignore`.
    #[test]
    fn documented_examples() {
        // `*/temp*` excludes files and directories starting with temp one level down.
        assert!(excluded(&["*/temp*"], "somedir/temporary.txt"));
        assert!(excluded(&["*/temp*"], "somedir/temp"));
        assert!(!excluded(&["*/temp*"], "temp"));
        assert!(!excluded(&["*/temp*"], "a/b/temp"));
        // `*/*/temp*` two levels down.
        assert!(excluded(&["*/*/temp*"], "somedir/subdir/temporary.txt"));
        assert!(!excluded(&["*/*/temp*"], "somedir/temporary.txt"));
        // `temp?` one character.
        assert!(excluded(&["temp?"], "tempa"));
        assert!(!excluded(&["temp?"], "tempab"));
        // `**/*.go` everywhere, including the root.
        assert!(excluded(&["**/*.go"], "main.go"));
        assert!(excluded(&["**/*.go"], "a/b/c.go"));
        // Exceptions: the last match wins.
        assert!(!excluded(&["*.md", "!README.md"], "README.md"));
        assert!(excluded(&["*.md", "!README.md"], "CHANGES.md"));
        assert!(excluded(
            &["*.md", "!README*.md", "README-secret.md"],
            "README-secret.md"
        ));
        assert!(!excluded(
            &["*.md", "README-secret.md", "!README*.md"],
            "README-secret.md"
        ));
        // A directory excludes everything below it; leading and trailing slashes are cleaned.
        assert!(excluded(&[".git"], ".git/objects/ab/cdef"));
        let read = read_patterns("/node_modules/\n");
        let m = PatternMatcher::new(&read).unwrap();
        assert!(m.matches_or_parent_matches("node_modules/x/index.js"));
    }

    #[test]
    fn read_patterns_like_docker() {
        assert_eq!(
            read_patterns("\u{feff}.git\n  # not a comment\n! tmp/ \n/\n"),
            [".git", "# not a comment", "!tmp", "/"]
        );
    }

    #[test]
    fn invalid_patterns() {
        assert!(PatternMatcher::new(["!"]).is_err());
        assert!(PatternMatcher::new(["["]).is_err());
        assert!(PatternMatcher::new(["a\\"]).is_err());
        assert!(PatternMatcher::new(["[a-"]).is_err());
        // Go rejects a class that starts with an unescaped `]`.
        assert!(PatternMatcher::new(["[]a]"]).is_err());
        assert!(PatternMatcher::new(["[\\]a]"]).is_ok());
    }

    proptest! {
        #[test]
        fn a_literal_path_excludes_itself_and_everything_below(
            dirs in prop::collection::vec("[a-z0-9_-]{1,8}", 1..4),
            child in "[a-z0-9_.-]{1,8}",
        ) {
            let path = dirs.join("/");
            let m = PatternMatcher::new([path.as_str()]).unwrap();
            prop_assert!(m.matches_or_parent_matches(&path));
            let below = format!("{path}/{child}");
            prop_assert!(m.matches_or_parent_matches(&below));
            let negated = PatternMatcher::new([path.as_str(), &format!("!{path}")]).unwrap();
            prop_assert!(!negated.matches_or_parent_matches(&path));
        }

        /// A glob matches what moby's regular expression for the same pattern matches.
        #[test]
        fn globs_match_like_their_regexes(pattern in "[ab*?/.^]{1,8}", path in "[ab/.\\né]{0,10}") {
            if let Ok(Matcher::Glob(tokens)) = compile(&pattern) {
                let mut re = String::from("^");
                for token in &tokens {
                    match token {
                        GlobToken::Literal(text) => re.push_str(&regex::escape(text)),
                        GlobToken::AnyInSegment => re.push_str("[^/]*"),
                        GlobToken::OneInSegment => re.push_str("[^/]"),
                        GlobToken::AnyDirectories => re.push_str("(.*/)?"),
                        GlobToken::AnyText => re.push_str(".*"),
                    }
                }
                re.push('$');
                let regex = Regex::new(&re).unwrap();
                prop_assert_eq!(glob_matches(&tokens, &path), regex.is_match(&path), "{} {:?}", re, path);
            }
        }

        /// The shortcuts for paths that are clean already change nothing.
        #[test]
        fn clean_paths_are_recognised(path in "[a./]{0,12}") {
            prop_assert_eq!(clean(&path), clean_parts(&path));
            let parent = match path.rfind('/') {
                Some(i) => clean_parts(&path[..=i]),
                None => ".".to_string(),
            };
            prop_assert_eq!(parent_dir(&path), parent);
        }

        #[test]
        fn never_panics(patterns in prop::collection::vec("[a-z*?!\\[\\]\\\\/.^-]{0,8}", 0..4), path in "[a-z/.*]{0,12}") {
            if let Ok(m) = PatternMatcher::new(&patterns) {
                let _ = m.matches_or_parent_matches(&path);
            }
        }
    }
}
