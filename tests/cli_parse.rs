//! `plimsoll parse` drives the real binary.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn plimsoll(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run plimsoll");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn prints_buildkit_dump_of_the_example() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/go-service/Dockerfile"
    );
    let (code, out, err) = plimsoll(&["parse", example], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("(from \"golang:latest\")\n(workdir \"/src\")\n"),
        "{out}"
    );
    assert!(out.contains("(cmd \"/usr/local/bin/api\")"));
}

#[test]
fn reads_stdin_and_prints_json() {
    let (code, out, _) = plimsoll(
        &["parse", "--format", "json", "-"],
        "FROM alpine AS base\nCOPY --from=base a b\n",
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(doc["file"], "-");
    let copy = &doc["dockerfile"]["instructions"][1];
    assert_eq!(copy["keyword"], "copy");
    assert_eq!(copy["flags"][0]["name"], "from");
    assert_eq!(copy["flags"][0]["range"]["start"], 25);
}

#[test]
fn reports_syntax_errors_with_positions_and_exit_code_1() {
    let (code, out, err) = plimsoll(&["parse", "-"], "FROM alpine\nENV x\nRUN ok\n");
    assert_eq!(code, 1);
    assert_eq!(out, "(from \"alpine\")\n(env)\n(run \"ok\")\n");
    assert_eq!(err, "-:2:5: PL107 ENV must have two arguments\n");
}

#[test]
fn unreadable_file_is_exit_code_2_and_others_still_parse() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/go-service/Dockerfile"
    );
    let (code, out, err) = plimsoll(&["parse", "/nonexistent/Dockerfile", example], "");
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/Dockerfile"));
    assert!(out.contains("(from \"golang:latest\")"));
}
