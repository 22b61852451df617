//! The checks the fuzz targets run, one per target, on any bytes. They panic on a failure.
//!
//! The root workspace's `tests/fuzz_regressions.rs` includes this file to run every check
//! on every input of `fuzz/regressions/` (inputs that once failed) in `cargo test`.

use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
use plimsoll_parser::{Dockerfile, Instruction, TextRange};
use plimsoll_rules::{
    apply_fixes, lint, Applicability, Edit, LintOptions, MemoryContext, Settings,
};
use std::sync::LazyLock;

/// Every rule on, so that every rule is fuzzed.
static ALL_RULES: LazyLock<Settings> = LazyLock::new(|| Settings {
    select: vec!["ALL".to_string()],
    ..Settings::default()
});

/// The parser: never panics, every range it reports is inside the text, and BuildKit's dump
/// format can be printed.
pub fn check_parse(data: &[u8]) {
    let file = plimsoll_parser::parse_bytes(data);
    assert_well_formed(&String::from_utf8_lossy(data), &file);
    let _ = file.dump();
}

/// Every rule, on a Dockerfile with a build context: never panics, and every finding and
/// every edit of its fix lies inside the text on character boundaries.
pub fn check_lint(data: &[u8]) {
    let (dockerfile, context) = dockerfile_and_context(data);
    let options = LintOptions::new(&ALL_RULES).with_context(&context, Some("Dockerfile"));
    for diagnostic in lint(&dockerfile, &options).diagnostics {
        assert_range(&dockerfile, diagnostic.range, diagnostic.code);
        for related in &diagnostic.related {
            assert_range(&dockerfile, related.range, diagnostic.code);
        }
        for edit in diagnostic.fix.iter().flat_map(|fix| &fix.edits) {
            if let Edit::Replace { range, .. } = edit {
                assert_range(&dockerfile, *range, diagnostic.code);
            }
        }
    }
}

/// Every safe and unsafe fix, on a Dockerfile with a build context: never panics,
/// converges, adds no syntax error, and a second pass changes nothing.
pub fn check_fixes(data: &[u8]) {
    let (dockerfile, context) = dockerfile_and_context(data);
    let options = LintOptions::new(&ALL_RULES).with_context(&context, Some("Dockerfile"));
    let fixed = apply_fixes(&dockerfile, &options, Applicability::Unsafe);
    if fixed.source == dockerfile {
        return;
    }
    assert!(
        !fixed.reached_limit,
        "fixes did not converge: {:?}",
        fixed.applied
    );
    let errors_before = plimsoll_parser::parse(&dockerfile).diagnostics.len();
    let errors_after = plimsoll_parser::parse(&fixed.source).diagnostics;
    assert!(
        errors_after.len() <= errors_before,
        "fixes {:?} added syntax errors: {errors_after:?}\n--- fixed\n{}",
        fixed.applied,
        fixed.source
    );
    let again = apply_fixes(&fixed.source, &options, Applicability::Unsafe);
    assert_eq!(
        again.source, fixed.source,
        "a second pass applied {:?}",
        again.applied
    );
}

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// Offsets to lines and columns and back, in UTF-8, UTF-16 and code points: never panics,
/// round-trips at every character boundary, and any line and column (as a client may send)
/// maps to a character boundary inside the text.
pub fn check_line_index(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let index = LineIndex::new(&text);
    assert_eq!(index.len() as usize, text.len());
    let bytes = text.as_bytes();
    for offset in 0..=text.len() {
        // Between the `\r` and `\n` of a `\r\n` is not a position of its own.
        let inside_crlf =
            offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n');
        if !text.is_char_boundary(offset) || inside_crlf {
            continue;
        }
        for encoding in ENCODINGS {
            let position = index.line_col(offset as u32, encoding);
            assert_eq!(
                index.offset(position, encoding),
                offset as u32,
                "{position:?} {encoding:?}"
            );
        }
    }
    // Positions read from the input's bytes: any line (a few past the last), any column.
    for pair in data.chunks(2) {
        let position = LineCol {
            line: u32::from(pair[0] % 8),
            col: pair.get(1).map_or(u32::MAX, |&b| u32::from(b)),
        };
        for encoding in ENCODINGS {
            let offset = index.offset(position, encoding) as usize;
            assert!(
                offset <= text.len() && text.is_char_boundary(offset),
                "{position:?} -> {offset}"
            );
            let _ = index.line_col(u32::MAX, encoding);
        }
    }
}

/// Splits an input into a Dockerfile and an in-memory build context.
///
/// The input is the Dockerfile's text, then any number of `\0path\0content` pairs: a plain
/// Dockerfile (the seeds from `examples/` and the corpus) is a Dockerfile with an empty
/// context, and a seed such as `FROM x\nCOPY . .\n\0.dockerignore\0*.md\n` brings files.
/// Invalid UTF-8 is replaced, as the CLI does.
pub fn dockerfile_and_context(data: &[u8]) -> (String, MemoryContext) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let dockerfile = parts.next().unwrap_or_default().to_string();
    let mut context = MemoryContext::default();
    while let Some(path) = parts.next() {
        context.insert(path, parts.next().unwrap_or_default());
    }
    (dockerfile, context)
}

/// Panics unless `range` lies inside `text` on character boundaries.
fn assert_range(text: &str, range: TextRange, what: &str) {
    let (start, end) = (range.start as usize, range.end as usize);
    assert!(start <= end, "{what}: {range:?} is reversed");
    assert!(
        end <= text.len(),
        "{what}: {range:?} ends past {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {range:?} splits a character"
    );
}

/// Panics unless every range of `file` (parsed from `text`) lies inside `text` on
/// character boundaries, instructions come in order without overlapping, and every
/// here-document's content is the text of its body.
fn assert_well_formed(text: &str, file: &Dockerfile) {
    assert_eq!(file.len as usize, text.len(), "file length");
    let mut previous_end = 0;
    for instruction in &file.instructions {
        assert!(
            instruction.range.start >= previous_end,
            "instructions overlap at {:?}",
            instruction.range
        );
        previous_end = instruction.range.end;
        assert_instruction(text, instruction);
    }
    for diagnostic in &file.diagnostics {
        assert_range(text, diagnostic.range, "diagnostic");
    }
    for comment in &file.comments {
        assert_range(text, comment.range, "comment");
    }
}

fn assert_instruction(text: &str, instruction: &Instruction) {
    assert_range(text, instruction.range, "instruction");
    assert_range(text, instruction.keyword_range, "keyword");
    for flag in &instruction.flags {
        assert_range(text, flag.range, "flag");
    }
    for heredoc in &instruction.heredocs {
        assert_range(text, heredoc.body_range, "heredoc body");
        assert_eq!(&text[heredoc.body_range.as_usize()], heredoc.content);
    }
    if let Some(child) = instruction.onbuild_child() {
        assert_instruction(text, child);
    }
}
