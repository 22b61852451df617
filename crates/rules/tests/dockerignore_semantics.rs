//! `.dockerignore` semantics: cases from Docker's documentation of `.dockerignore` files,
//! properties of the matcher checked against a simple model ("the last pattern that matches
//! the path or one of its parents decides"), and which ignore file a build uses.

use plimsoll_rules::context::dockerignore::{clean, read_patterns, PatternMatcher};
use plimsoll_rules::context::ContextView;
use plimsoll_rules::MemoryContext;
use proptest::prelude::*;

/// Whether `path` is excluded by the `.dockerignore` whose text is `text`.
fn excluded_by_text(text: &str, path: &str) -> bool {
    PatternMatcher::new(read_patterns(text))
        .unwrap()
        .matches_or_parent_matches(path)
}

fn excluded(patterns: &[String], path: &str) -> bool {
    PatternMatcher::new(patterns)
        .unwrap()
        .matches_or_parent_matches(path)
}

/// Whether one pattern (without `!`) matches `path` or one of its parent directories.
fn hits(pattern: &str, path: &str) -> bool {
    excluded(&[pattern.to_string()], path)
}

/// The model: the last pattern hitting the path decides; no hit means sent.
fn model(patterns: &[String], path: &str) -> bool {
    patterns
        .iter()
        .rev()
        .find_map(|pattern| match pattern.strip_prefix('!') {
            Some(inner) => hits(inner, path).then_some(false),
            None => hits(pattern, path).then_some(true),
        })
        .unwrap_or(false)
}

/// Docker's documentation of `.dockerignore` files (build context concepts), each example as
/// (file text, path, excluded?).
#[test]
fn documented_cases() {
    let cases: &[(&str, &str, bool)] = &[
        // `/foo/bar` and `foo/bar` both exclude `bar` in `foo`, and nothing else.
        ("/foo/bar", "foo/bar", true),
        ("foo/bar", "foo/bar", true),
        ("/foo/bar", "foo/bar/baz.txt", true),
        ("/foo/bar", "bar", false),
        ("foo/bar", "foo", false),
        ("foo/bar", "x/foo/bar", false),
        ("foo/bar", "foo/barn", false),
        // A line starting with `#` in column 1 is a comment.
        ("# comment", "# comment", false),
        ("# comment\n*/temp*", "somedir/temporary.txt", true),
        // `*/temp*`: names starting with `temp` in any immediate subdirectory of the root.
        ("*/temp*", "somedir/temporary.txt", true),
        ("*/temp*", "somedir/temp", true),
        ("*/temp*", "somedir/temp/inside.txt", true),
        ("*/temp*", "temporary.txt", false),
        ("*/temp*", "somedir/subdir/temporary.txt", false),
        // `*/*/temp*`: two levels below the root.
        ("*/*/temp*", "somedir/subdir/temporary.txt", true),
        ("*/*/temp*", "somedir/temporary.txt", false),
        ("*/*/temp*", "a/b/c/temporary.txt", false),
        // `temp?`: a one-character extension of `temp`, in the root.
        ("temp?", "tempa", true),
        ("temp?", "tempb", true),
        ("temp?", "temp", false),
        ("temp?", "tempab", false),
        ("temp?", "dir/tempa", false),
        // Leading and trailing whitespace, `.` and `..` are removed by cleaning; blank lines
        // are ignored.
        ("  temp?  ", "tempa", true),
        ("./a/../temp?", "tempa", true),
        ("dir/./sub/", "dir/sub/file", true),
        ("\n   \n", "anything", false),
        // `**` matches any number of directories, zero included.
        ("**/*.go", "main.go", true),
        ("**/*.go", "cmd/api/main.go", true),
        ("**/*.go", "main.gox", false),
        ("**/*.go", "go.mod", false),
        // `!` makes exceptions: all Markdown files but README.md.
        ("*.md\n!README.md", "CHANGES.md", true),
        ("*.md\n!README.md", "README.md", false),
        // `*.md` matches in the root only: `*` does not cross `/`.
        ("*.md\n!README.md", "docs/guide.md", false),
        // Placement of exceptions: the last matching line decides.
        (
            "*.md\n!README*.md\nREADME-secret.md",
            "README-secret.md",
            true,
        ),
        (
            "*.md\n!README*.md\nREADME-secret.md",
            "README-public.md",
            false,
        ),
        ("*.md\n!README*.md\nREADME-secret.md", "CHANGES.md", true),
        (
            "*.md\nREADME-secret.md\n!README*.md",
            "README-secret.md",
            false,
        ),
        ("*.md\nREADME-secret.md\n!README*.md", "CHANGES.md", true),
        // The Dockerfile and the ignore file itself can be listed.
        ("Dockerfile\n.dockerignore", "Dockerfile", true),
        ("Dockerfile\n.dockerignore", ".dockerignore", true),
        // Include-list style: `*` first, then exceptions.
        ("*\n!src\n!go.mod", "src/main.go", false),
        ("*\n!src\n!go.mod", "go.mod", false),
        ("*\n!src\n!go.mod", "go.sum", true),
        ("*\n!src\n!go.mod", "docs/index.md", true),
        // An exception inside an excluded directory re-includes that path.
        ("docs\n!docs/README.md", "docs/README.md", false),
        ("docs\n!docs/README.md", "docs/other.md", true),
        // An exception before the exclusion has no effect.
        ("!README.md\n*.md", "README.md", true),
    ];
    for (text, path, expected) in cases {
        assert_eq!(
            excluded_by_text(text, path),
            *expected,
            "patterns {text:?}, path {path:?}"
        );
    }
}

/// Path segments: plain names, names with dots, and look-alikes of the pattern pieces.
fn segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "ab",
        "x.go",
        "go",
        "temp",
        "tempa",
        ".git",
        "README.md",
        "c.md",
    ])
    .prop_map(str::to_string)
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 1..5).prop_map(|parts| parts.join("/"))
}

/// Pattern segments: literals and every wildcard form.
fn pattern_segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a", "b", "ab", "*", "?", "**", "a*", "*.go", "*.md", "temp?", ".git", "x.go", "[ab]",
        "[!a]*",
    ])
    .prop_map(str::to_string)
}

fn pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(pattern_segment(), 1..4).prop_map(|parts| parts.join("/"))
}

fn patterns() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (any::<bool>(), pattern()).prop_map(|(not, p)| if not { format!("!{p}") } else { p }),
        0..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A path is excluded iff the last pattern matching it or a parent is not an exception.
    #[test]
    fn last_matching_pattern_decides(patterns in patterns(), path in path()) {
        prop_assert_eq!(excluded(&patterns, &path), model(&patterns, &path));
    }

    /// Appending `!p` re-includes exactly what `p` matches (directly or through a parent).
    #[test]
    fn exception_reincludes_exactly_its_matches(
        patterns in patterns(),
        p in pattern(),
        path in path(),
    ) {
        let before = excluded(&patterns, &path);
        let mut with_exception = patterns.clone();
        with_exception.push(format!("!{p}"));
        prop_assert_eq!(excluded(&with_exception, &path), before && !hits(&p, &path));
        // `p` then `!p`: the pair cancels out where `p` matches, changes nothing elsewhere.
        let mut pair = patterns.clone();
        pair.push(p.clone());
        pair.push(format!("!{p}"));
        prop_assert_eq!(excluded(&pair, &path), before && !hits(&p, &path));
    }

    /// Appending `p` excludes exactly what was excluded plus `p`'s matches.
    #[test]
    fn exclusion_adds_exactly_its_matches(patterns in patterns(), p in pattern(), path in path()) {
        let mut more = patterns.clone();
        more.push(p.clone());
        prop_assert_eq!(
            excluded(&more, &path),
            excluded(&patterns, &path) || hits(&p, &path)
        );
    }

    /// `**/x` matches `x` at any depth, the root included, and everything below it, but no
    /// other name.
    #[test]
    fn double_star_prefix_matches_at_any_depth(
        dirs in prop::collection::vec(segment(), 0..4),
        name in segment(),
        other in segment(),
        child in segment(),
    ) {
        let pattern = format!("**/{name}");
        let mut parts = dirs.clone();
        parts.push(name.clone());
        let path = parts.join("/");
        prop_assert!(hits(&pattern, &path), "{} vs {}", pattern, path);
        let below = format!("{path}/{child}");
        prop_assert!(hits(&pattern, &below));
        if other != name && !dirs.contains(&name) {
            let mut parts = dirs.clone();
            parts.push(other);
            prop_assert!(!hits(&pattern, &parts.join("/")));
        }
    }

    /// `dir/**` matches everything below `dir`, at any depth.
    #[test]
    fn double_star_suffix_matches_below(dir in segment(), rest in path()) {
        let pattern = format!("{dir}/**");
        let below = format!("{dir}/{rest}");
        prop_assert!(hits(&pattern, &below));
    }

    /// A leading `/` or `./`, a trailing `/` and `.` segments change nothing in a
    /// `.dockerignore`.
    #[test]
    fn leading_slash_and_dot_slash_are_insignificant(
        patterns in patterns(),
        index in any::<prop::sample::Index>(),
        decoration in prop::sample::select(vec!["/", "./", "/./", ".//"]),
        trailing in any::<bool>(),
        path in path(),
    ) {
        let plain = patterns.join("\n");
        let mut decorated = patterns.clone();
        if !decorated.is_empty() {
            let i = index.index(decorated.len());
            let p = &decorated[i];
            let (not, body) = match p.strip_prefix('!') {
                Some(body) => ("!", body),
                None => ("", p.as_str()),
            };
            let slash = if trailing { "/" } else { "" };
            decorated[i] = format!("{not}{decoration}{body}{slash}");
        }
        let decorated = decorated.join("\n");
        prop_assert_eq!(
            excluded_by_text(&plain, &path),
            excluded_by_text(&decorated, &path),
            "{:?} vs {:?}", plain, decorated
        );
    }

    /// `clean` is idempotent and leaves no empty, `.` or trailing segments.
    #[test]
    fn clean_is_idempotent(path in "[a./]{0,16}") {
        let once = clean(&path);
        prop_assert_eq!(clean(&once), once.clone());
        prop_assert!(!once.is_empty());
        if once != "/" && once != "." {
            prop_assert!(!once.ends_with('/'));
            let body = once.strip_prefix('/').unwrap_or(&once);
            prop_assert!(body.split('/').all(|s| !s.is_empty() && s != "."), "{}", once);
        }
    }

    /// `read_patterns` output is stable: reading its own output again gives it back. (Lines
    /// have spaces only around them and `!` only first: moby's `Clean` keeps a space inside a
    /// segment, and `/!x` reads as `!x`, an exception, on a second reading.)
    #[test]
    fn read_patterns_is_idempotent(lines in prop::collection::vec(" ?!?[a./*]{0,8} ?", 0..6)) {
        let once = read_patterns(&lines.join("\n"));
        prop_assert_eq!(read_patterns(&once.join("\n")), once.clone());
    }

    /// `*` then `!name` sends exactly `name` and what is below it.
    #[test]
    fn include_list(name in segment(), path in path()) {
        let text = format!("*\n!{name}");
        let inside = path == name || path.starts_with(&format!("{name}/"));
        prop_assert_eq!(excluded_by_text(&text, &path), !inside);
    }
}

#[test]
fn dockerfile_specific_ignore_file_is_preferred() {
    let context = MemoryContext::new([
        (".dockerignore", "*.md\n"),
        ("api.Dockerfile", "FROM scratch\n"),
        ("api.Dockerfile.dockerignore", "secrets\n"),
        ("README.md", ""),
        ("secrets/key", ""),
    ]);
    let view = ContextView::new(&context, Some("api.Dockerfile"));
    let ignore = view.dockerignore.as_ref().unwrap();
    assert_eq!(ignore.path, "api.Dockerfile.dockerignore");
    assert_eq!(ignore.patterns, ["secrets"]);
    // Only the specific file applies: the two are not merged.
    assert!(view.is_sent("README.md"));
    assert!(!view.is_sent("secrets/key"));
    assert!(view.is_ignored("secrets"));

    // Another Dockerfile of the same context uses `.dockerignore`.
    let other = ContextView::new(&context, Some("Dockerfile"));
    assert_eq!(other.dockerignore.as_ref().unwrap().path, ".dockerignore");
    assert!(!other.is_sent("README.md"));
    assert!(other.is_sent("secrets/key"));

    // A Dockerfile outside the context: `.dockerignore`.
    let outside = ContextView::new(&context, None);
    assert_eq!(outside.dockerignore.as_ref().unwrap().path, ".dockerignore");
}

#[test]
fn specific_ignore_file_beside_a_nested_dockerfile() {
    let context = MemoryContext::new([
        (".dockerignore", "node_modules\n"),
        ("deploy/web.Dockerfile.dockerignore", "*\n!dist\n"),
        ("dist/index.html", ""),
        ("src/app.ts", ""),
        ("node_modules/x/index.js", ""),
    ]);
    let view = ContextView::new(&context, Some("deploy/web.Dockerfile"));
    assert_eq!(
        view.dockerignore.as_ref().unwrap().path,
        "deploy/web.Dockerfile.dockerignore"
    );
    // Patterns stay relative to the context root, not to the Dockerfile's directory.
    assert_eq!(view.sent_files(100, |_| true), ["dist/index.html"]);
    // The plain name `Dockerfile` has its own `Dockerfile.dockerignore` too.
    let context = MemoryContext::new([
        (".dockerignore", "a\n"),
        ("Dockerfile.dockerignore", "b\n"),
        ("a", ""),
        ("b", ""),
    ]);
    let view = ContextView::new(&context, Some("Dockerfile"));
    assert!(view.is_sent("a"));
    assert!(!view.is_sent("b"));
}

#[test]
fn an_empty_specific_file_still_wins() {
    let context = MemoryContext::new([
        (".dockerignore", "*.log\n"),
        ("Dockerfile.dockerignore", ""),
        ("build.log", ""),
    ]);
    let view = ContextView::new(&context, Some("Dockerfile"));
    assert_eq!(
        view.dockerignore.as_ref().unwrap().path,
        "Dockerfile.dockerignore"
    );
    assert!(view.is_sent("build.log"));
}

#[test]
fn no_ignore_file_sends_everything() {
    let context = MemoryContext::new([("a/b", ""), ("c", "")]);
    let view = ContextView::new(&context, Some("Dockerfile"));
    assert!(view.dockerignore.is_none());
    assert!(view.is_sent("a/b"));
    assert!(!view.is_ignored("a"));
    assert!(!view.is_sent("missing"));
    assert_eq!(view.sent_files(10, |_| true), ["a/b", "c"]);
}

#[test]
fn a_malformed_pattern_excludes_nothing() {
    let context = MemoryContext::new([(".dockerignore", "*.log\n[\n"), ("x.log", "")]);
    let view = ContextView::new(&context, Some("Dockerfile"));
    let ignore = view.dockerignore.as_ref().unwrap();
    assert!(ignore.matcher.is_err());
    assert!(view.is_sent("x.log"));
}

#[test]
fn walk_matches_is_ignored() {
    let context = MemoryContext::new([
        (
            ".dockerignore",
            "**/*.md\n!docs/**/README.md\nbuild\n!build/keep\n*/tmp*\n",
        ),
        ("README.md", ""),
        ("docs/README.md", ""),
        ("docs/a/README.md", ""),
        ("docs/a/guide.md", ""),
        ("build/out/x", ""),
        ("build/keep/y", ""),
        ("src/tmpfile", ""),
        ("src/main.go", ""),
        ("tmpdir/z", ""),
    ]);
    let view = ContextView::new(&context, Some("Dockerfile"));
    let files = view.sent_files(100, |_| true);
    assert_eq!(
        files,
        [
            ".dockerignore",
            "build/keep/y",
            "docs/README.md",
            "docs/a/README.md",
            "src/main.go",
            "tmpdir/z",
        ]
    );
    for file in &files {
        assert!(!view.is_ignored(file), "{file}");
    }
}

/// Behaviour of moby's `patternmatcher` (the matcher of Docker and BuildKit), per pattern:
/// `**` forms, character classes, escapes, and characters that are special in regular
/// expressions but not in globs.
#[test]
fn moby_pattern_semantics() {
    let cases: &[(&str, &str, bool)] = &[
        ("**", "file", true),
        ("**", "dir/file", true),
        ("**/", "file", true),
        ("**/**", "dir/file", true),
        ("dir/**", "dir/file", true),
        ("dir/**", "dir/sub/file", true),
        ("dir/**", "dir", false),
        ("**/dir", "dir", true),
        ("**/dir", "a/dir/file", true),
        ("**/sub/*", "dir/sub/file", true),
        ("**/sub/**", "dir/sub/deeper/file", true),
        // `**` glued to a name: a plain suffix match.
        ("**file", "dir/file", true),
        ("**file", "dir/myfile", true),
        ("**/file*txt", "a/b/file.txt", true),
        ("**/**/*.txt", "file.txt", true),
        ("**/**/*.txt2", "a/b/file.txt", false),
        ("a**/*.txt", "a/b/c/file.txt", true),
        ("a/*.txt", "a/b/file.txt", false),
        ("a/*.txt**", "a/file.txt", true),
        ("**/foo/bar", "foo/bar", true),
        ("**/foo/bar", "a/b/foo/bar", true),
        ("**/.foo", ".foo", true),
        ("**/.foo", "bar.foo", false),
        // Classes, `?`, `*`: never across `/`; `^` negates.
        ("a[b-d]e", "ace", true),
        ("a[b-d]e", "ae", false),
        ("a[b-d]e", "aae", false),
        ("a[^b-d]e", "aze", true),
        ("[a-ζ]*", "α", true),
        ("*[a-ζ]", "A", false),
        ("a?b", "a☺b", true),
        ("a[^a]b", "a☺b", true),
        ("a???b", "a☺b", false),
        ("a?b", "a/b", false),
        ("a*b", "a/b", false),
        ("a*/b", "abc/b", true),
        ("a*/b", "a/c/b", false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true),
        ("a*b?c*x", "abxbbxdbxebxczzy", false),
        ("*x", "xxx", true),
        // Escapes.
        ("a\\*b", "a*b", true),
        ("a\\*b", "ab", false),
        ("a\\\\", "a\\", true),
        ("[\\]a]", "]", true),
        ("[\\-]", "-", true),
        ("[x\\-]", "-", true),
        ("[x\\-]", "z", false),
        ("[\\-x]", "a", false),
        // Regular-expression characters are literal.
        (".*", ".foo", true),
        (".*", "foo", false),
        ("abc.def", "abcdef", false),
        ("abc.def", "abc.def", true),
        ("abc?def", "abcZdef", true),
        ("abc?def", "abcdef", false),
        ("a(b)c/def", "a(b)c/def", true),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
        (
            "dist/*.whl",
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
    ];
    for (pattern, path, expected) in cases {
        assert_eq!(
            hits(pattern, path),
            *expected,
            "pattern {pattern:?}, path {path:?}"
        );
    }
    let lists: &[(&[&str], &str, bool)] = &[
        (&["**", "!util/docker/web"], "util/docker/web/foo", false),
        (
            &["**", "!util/docker/web", "util/docker/web/foo"],
            "util/docker/web/foo",
            true,
        ),
        (
            &["**", "!dist/*.whl"],
            "dist/pkg-1.0+local-py3-none-any.whl",
            false,
        ),
        (&["!fileutils.go", "*.go"], "fileutils.go", true),
        (&["docs/", "!docs/README.md"], "docs/README.md", false),
        (&["docs/*", "!docs/README.md"], "docs/README.md", false),
    ];
    for (patterns, path, expected) in lists {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            excluded(&patterns, path),
            *expected,
            "{patterns:?}, {path:?}"
        );
    }
}

/// Patterns Go's `filepath.Match` rejects make moby's matcher fail (and the build too).
#[test]
fn moby_rejects_malformed_patterns() {
    for bad in [
        "[-]", "[x-]", "[-x]", "\\", "[", "[^", "[^bc", "a[", "!", "a\\",
    ] {
        assert!(PatternMatcher::new([bad]).is_err(), "{bad:?}");
    }
}

/// Known differences from moby, kept as ignored tests until `dockerignore.rs` is fixed.
///
/// moby escapes `.+()|{}$` when it turns a wildcard pattern into a regular expression;
/// `compile` escapes only `.` and `$`, so `+`, `(`, `)`, `|`, `{`, `}` act as regex operators.
#[test]
fn regex_operators_are_literal_in_wildcard_patterns() {
    assert!(hits("a(b)c/*", "a(b)c/x"));
    assert!(!hits("a(b)c/*", "abc/x"));
    assert!(hits("a+b*", "a+bc"));
    assert!(!hits("a+b*", "aabc"));
    assert!(!hits("a|b*", "a"));
    assert!(hits("x{1}*", "x{1}y"));
}

/// Go's `filepath.Match` rejects an unescaped `]` or `-` where a class item is expected,
/// and accepts an escaped `]` in a class.
#[test]
fn class_syntax_like_go() {
    for bad in ["[]a]", "[]]", "[a-b-c]", "[a--]"] {
        assert!(PatternMatcher::new([bad]).is_err(), "{bad:?}");
    }
    // An escaped `]` is a class item, also in a range.
    assert!(PatternMatcher::new(["[\\]-a]"]).is_ok());
}

/// Go's RE2 reads `[[]` as a class holding `[`; the regex crate reads `[` inside a class
/// as a nested class (and `&&`, `--`, `~~` as set operations), so such a pattern fails to
/// compile and the whole `.dockerignore` is treated as malformed.
#[test]
fn bracket_inside_a_class() {
    assert!(hits("[[]*", "[a"));
    assert!(hits("[a&&b]", "&"));
}
