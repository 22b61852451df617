//! No input makes the parser panic, and every range it reports lies inside the text on
//! character boundaries: random bytes, Dockerfile-shaped noise, and truncated corpus files.

mod common;

use common::shared_dir;
use plimsoll_parser::{parse, parse_bytes, Arguments, Dockerfile, Instruction, TextRange};
use proptest::prelude::*;

fn check_range(text: &str, range: TextRange, what: &str) {
    assert!(range.start <= range.end, "{what}: {range:?} is reversed");
    assert!(
        range.end as usize <= text.len(),
        "{what}: {range:?} past the end"
    );
    assert!(
        text.is_char_boundary(range.start as usize),
        "{what}: {range:?} start"
    );
    assert!(
        text.is_char_boundary(range.end as usize),
        "{what}: {range:?} end"
    );
}

fn check_instruction(text: &str, i: &Instruction) {
    check_range(text, i.range, "instruction");
    check_range(text, i.keyword_range, "keyword");
    assert!(i.range.contains_range(i.keyword_range) || i.heredocs.is_empty());
    for f in &i.flags {
        check_range(text, f.range, "flag");
        check_range(text, f.name_range, "flag name");
    }
    for w in words(&i.args) {
        check_range(text, w, "argument");
    }
    for h in &i.heredocs {
        check_range(text, h.body_range, "heredoc body");
        assert_eq!(&text[h.body_range.as_usize()], h.content);
    }
    if let Some(child) = i.onbuild_child() {
        check_instruction(text, child);
    }
}

fn words(args: &Arguments) -> Vec<TextRange> {
    match args {
        Arguments::Text(w) => vec![w.range],
        Arguments::Exec(ws) | Arguments::List(ws) => ws.iter().map(|w| w.range).collect(),
        Arguments::KeyValues(kvs) => kvs
            .iter()
            .flat_map(|kv| [kv.key.range, kv.value.range, kv.range])
            .collect(),
        Arguments::Healthcheck { kind, command } => {
            let mut v = vec![kind.range];
            v.extend(words(command));
            v
        }
        _ => vec![],
    }
}

fn check_file(text: &str, file: &Dockerfile) {
    for i in &file.instructions {
        check_instruction(text, i);
    }
    for pair in file.instructions.windows(2) {
        assert!(
            pair[0].range.end <= pair[1].range.start,
            "instructions overlap"
        );
        assert!(pair[0].end_line < pair[1].start_line);
    }
    for d in &file.diagnostics {
        check_range(text, d.range, "diagnostic");
    }
    for c in &file.comments {
        check_range(text, c.range, "comment");
    }
    let _ = file.dump();
}

/// Text that looks like a Dockerfile: keywords, flags, quotes, escapes, heredocs, continuations.
fn dockerfile_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM ".to_string()),
        Just("RUN ".to_string()),
        Just("COPY ".to_string()),
        Just("ENV ".to_string()),
        Just("ONBUILD ".to_string()),
        Just("HEALTHCHECK ".to_string()),
        Just("--from=".to_string()),
        Just("<<EOF".to_string()),
        Just("<<-'E'".to_string()),
        Just("EOF".to_string()),
        Just("\\\n".to_string()),
        Just("`\n".to_string()),
        Just("# escape=`\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("[\"a\", ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("=".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("#".to_string()),
        Just("${A:-b}".to_string()),
        Just("中文😀".to_string()),
        "[a-z]{1,6}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let file = parse_bytes(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        check_file(&text, &file);
    }

    #[test]
    fn dockerfile_like_text_never_panics(text in dockerfile_like()) {
        let file = parse(&text);
        check_file(&text, &file);
    }
}

#[test]
fn truncated_corpus_files_never_panic() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    for (n, rel) in manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .enumerate()
    {
        let bytes = std::fs::read(dir.join(rel)).unwrap();
        // Cut every file at a few positions, including inside multi-byte characters.
        let cuts = [
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() * 4 / 5,
            (n * 7919) % (bytes.len() + 1),
        ];
        for cut in cuts {
            let part = &bytes[..cut.min(bytes.len())];
            let file = parse_bytes(part);
            check_file(&String::from_utf8_lossy(part), &file);
        }
    }
}

#[test]
fn pathological_inputs_stay_bounded() {
    let onbuild = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(10_000));
    check_file(&onbuild, &parse(&onbuild));
    let continuations = format!("FROM a\nRUN a{}\n", " \\\n".repeat(100_000));
    let file = parse(&continuations);
    assert_eq!(file.instructions.len(), 2);
    let long_line = format!("FROM a\nRUN {}\n", "x".repeat(70_000));
    let file = parse(&long_line);
    assert!(file.diagnostics.iter().any(|d| d.code.code() == "PL103"));
    let nested_json = format!("FROM a\nCMD [{}\n", "[".repeat(100_000));
    check_file(&nested_json, &parse(&nested_json));
}
