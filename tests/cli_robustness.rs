//! `plimsoll check` on bad input, driving the real binary: every case gives a clear message,
//! the right exit code, finishes in bounded time and still checks the other files; `--fix`
//! never corrupts a file; and the build context reader never reads outside its root.
//!
//! Invalid UTF-8 in a file is in `cli_check.rs`; here it comes through standard input.
//!
//! Unreadable files: tests run as root, who can read any file whatever its permissions, so
//! a file that cannot be read is made as a FIFO (reading one blocks until something writes
//! to it: Plimsoll never opens one), a dangling symbolic link or a link loop.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one run may take: a guard against hangs, not a benchmark (debug builds).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// A Dockerfile with one fixable finding (DL3019).
const APK: &str = "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 1000\n";
/// `APK` fixed.
const APK_FIXED: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\nUSER 1000\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |text: &str| text.chars().take(4000).collect::<String>();
        write!(
            f,
            "exit {} after {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.took,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// `plimsoll ARGS` in `dir` with `stdin`, killed (and the test failed) past [`TIME_LIMIT`].
fn plimsoll_with_input(dir: &Path, args: &[&str], stdin: Vec<u8>) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run plimsoll");
    let mut input = child.stdin.take().unwrap();
    // Feed standard input and drain the outputs on threads: a full pipe must not block.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = input.write_all(&stdin);
    });
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut out);
        out
    });
    let stderr = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut out);
        out
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plimsoll {args:?} took more than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
        took: started.elapsed(),
    }
}

fn plimsoll(dir: &Path, args: &[&str]) -> Run {
    plimsoll_with_input(dir, args, Vec::new())
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("plimsoll-robust-")
        .tempdir()
        .unwrap()
}

fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    path
}

/// Makes a FIFO, or returns `false` (and the test skips that case loudly) without `mkfifo`.
fn make_fifo(path: &Path) -> bool {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("*** mkfifo is not available: the FIFO case did not run ***");
    }
    made
}

/// No panic, and the exit code is one of the documented ones.
fn assert_no_crash(run: &Run) {
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    assert!([0, 1, 2].contains(&run.code), "{run:?}");
}

/// Every file under `dir` (links as `-> target`), with its content.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let metadata = path.symlink_metadata().unwrap();
            if metadata.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                files.insert(path, format!("-> {}", target.display()).into_bytes());
            } else if metadata.is_dir() {
                stack.push(path);
            } else if metadata.is_file() {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

// ---------------------------------------------------------------------------------------
// Odd bytes

#[test]
fn nul_bytes_and_binary_noise_are_checked_without_a_crash() {
    let dir = temp_dir();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine:3.20\nRUN echo \0\0 && apk add curl=1\nENV A=\0\nUSER 1000\n",
    );
    let noise: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write(dir.path(), "noise/Dockerfile", &noise);
    write(dir.path(), "ok/Dockerfile", APK);
    let run = plimsoll(dir.path(), &["check", "--format", "concise"]);
    assert_no_crash(&run);
    assert!(
        run.stdout.contains("Dockerfile:2:16: DL3019"),
        "the NUL bytes shift nothing: {run:?}"
    );
    assert!(run.stdout.contains("noise/Dockerfile:"), "{run:?}");
    assert!(run.stdout.contains("ok/Dockerfile:2:5: DL3019"), "{run:?}");
    // The same through standard input.
    let run = plimsoll_with_input(dir.path(), &["check", "-", "--fix"], noise.clone());
    assert_no_crash(&run);
}

// ---------------------------------------------------------------------------------------
// Large and deep input

#[test]
fn a_50_mb_file_is_refused_quickly_and_the_others_are_checked() {
    let dir = temp_dir();
    let line = "RUN echo hello && apk add curl\n";
    let big = format!(
        "FROM alpine:3.20\n{}",
        line.repeat(50 * 1024 * 1024 / line.len())
    );
    assert!(big.len() >= 50 * 1024 * 1024 - line.len());
    write(dir.path(), "big/Dockerfile", &big);
    write(dir.path(), "ok/Dockerfile", APK);
    let run = plimsoll(dir.path(), &["check", "--format", "concise", "--fix"]);
    assert_no_crash(&run);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains(
            "big/Dockerfile: error: not checked: larger than any Dockerfile (50.0 MiB; the limit \
             is 1 MiB)"
        ),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok/Dockerfile")).unwrap(),
        APK_FIXED
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("big/Dockerfile"))
            .unwrap()
            .len(),
        big.len() as u64
    );
    // Standard input is read no further than the limit.
    let run = plimsoll_with_input(dir.path(), &["check", "-"], big.into_bytes());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("-: not checked: larger than any Dockerfile (over the limit of 1 MiB)"),
        "{run:?}"
    );
}

#[test]
fn long_and_deep_input_stays_bounded() {
    let dir = temp_dir();
    // 100,000 continuation lines.
    write(
        dir.path(),
        "continuations/Dockerfile",
        format!(
            "FROM alpine:3.20\nRUN true{}\nUSER 1000\n",
            " \\\n".repeat(100_000)
        ),
    );
    // A physical line over 64 KiB.
    write(
        dir.path(),
        "long-line/Dockerfile",
        format!(
            "FROM alpine:3.20\nRUN echo {}\nUSER 1000\n",
            "x".repeat(70_000)
        ),
    );
    // ONBUILD nested 10,000 deep.
    write(
        dir.path(),
        "onbuild/Dockerfile",
        format!(
            "FROM alpine:3.20\n{}RUN x\nUSER 1000\n",
            "ONBUILD ".repeat(10_000)
        ),
    );
    // Shell nesting just under the line limit.
    write(
        dir.path(),
        "subshells/Dockerfile",
        format!(
            "FROM alpine:3.20\nRUN {}true{}\nUSER 1000\n",
            "$(".repeat(15_000),
            ")".repeat(15_000)
        ),
    );
    write(
        dir.path(),
        "json/Dockerfile",
        format!("FROM alpine:3.20\nCMD {}\n", "[".repeat(60_000)),
    );
    write(dir.path(), "ok/Dockerfile", APK);
    let run = plimsoll(dir.path(), &["check", "--format", "concise"]);
    assert_no_crash(&run);
    for expected in [
        "continuations/Dockerfile:100002:1: PL203 [warning] Empty continuation line",
        "long-line/Dockerfile:2:1: PL103 [error] dockerfile line greater than max allowed size of 65535",
        "onbuild/Dockerfile:2:9: PL112",
        "ok/Dockerfile:2:5: DL3019",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{run:?}");
    }
    // Fixing them is bounded too, and leaves the files with syntax errors as they were.
    let before = tree(dir.path());
    let run = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "--fix", "--unsafe-fixes"],
    );
    assert_no_crash(&run);
    let after = tree(dir.path());
    for unchanged in ["long-line/Dockerfile", "onbuild/Dockerfile"] {
        let path = dir.path().join(unchanged);
        assert_eq!(before[&path], after[&path], "{unchanged}: {run:?}");
    }
    assert_ne!(
        before[&dir.path().join("ok/Dockerfile")],
        after[&dir.path().join("ok/Dockerfile")]
    );
}

#[test]
fn long_stages_are_linted_in_time_linear_in_their_length() {
    // Shapes where each line builds on the ones before it: a quadratic rule takes minutes
    // on these, a linear one a second (debug build).
    let dir = temp_dir();
    let stage = |line: &dyn Fn(usize) -> String| {
        let lines: String = (0..20_000).map(|i| line(i) + "\n").collect();
        format!("FROM golang:1.23.4\n{lines}USER 1000\n")
    };
    write(
        dir.path(),
        "workdirs/Dockerfile",
        stage(&|_| "WORKDIR a".into()),
    );
    write(
        dir.path(),
        "undefined/Dockerfile",
        stage(&|i| format!("ENV K{i}=$M{i}")),
    );
    write(
        dir.path(),
        "args/Dockerfile",
        stage(&|i| format!("ARG A{i}=${{A{}}}x", i / 2)),
    );
    write(
        dir.path(),
        "runs/Dockerfile",
        stage(&|_| "WORKDIR /src\nRUN go build ./...".into()),
    );
    let run = plimsoll(dir.path(), &["check", "--format", "concise"]);
    assert_no_crash(&run);
    assert!(!run.stdout.contains("runs/Dockerfile"), "{run:?}");
    for expected in [
        "workdirs/Dockerfile:20001:9: DL3000 [error] Use absolute WORKDIR",
        "undefined/Dockerfile:20001:12: PL212 [warning] Usage of undefined variable '$M19999'\n",
        "args/Dockerfile:2:5: PL212 [warning] Usage of undefined variable '$A0'",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{run:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Walking

#[cfg(unix)]
#[test]
fn unreadable_files_and_link_loops_are_reported_and_the_others_checked() {
    use std::os::unix::fs::symlink;
    let dir = temp_dir();
    let root = dir.path();
    write(root, "Dockerfile", APK);
    write(root, "deep/er/Dockerfile", APK);
    // Directory links are not followed: these loops end nowhere.
    symlink(".", root.join("self")).unwrap();
    symlink("..", root.join("deep/er/up")).unwrap();
    symlink("loop-b", root.join("loop-a")).unwrap();
    symlink("loop-a", root.join("loop-b")).unwrap();
    // Dockerfiles that cannot be read.
    symlink("Dockerfile.loop", root.join("Dockerfile.loop")).unwrap();
    symlink("missing", root.join("broken.Dockerfile")).unwrap();
    let fifo = make_fifo(&root.join("Dockerfile.fifo"));
    // A Dockerfile that is a link to one beside it is checked once, under its own name.
    symlink("Dockerfile", root.join("Dockerfile.link")).unwrap();
    // And one that is a link to another directory's Dockerfile is checked.
    symlink("deep/er/Dockerfile", root.join("Dockerfile.deep")).unwrap();

    let run = plimsoll(root, &["check", "--format", "concise"]);
    assert_no_crash(&run);
    assert_eq!(run.code, 2, "{run:?}");
    let mut expected = vec![
        "Dockerfile.loop: error: cannot read: it is a symbolic link to Dockerfile.loop, which \
         cannot be followed: Too many levels of symbolic links",
        "broken.Dockerfile: error: cannot read: it is a symbolic link to missing, which cannot \
         be followed: No such file or directory",
        "Dockerfile:2:5: DL3019",
        "deep/er/Dockerfile:2:5: DL3019",
    ];
    if fifo {
        expected.push(
            "Dockerfile.fifo: error: cannot read: not a regular file (a FIFO, socket or device)",
        );
    }
    for expected in expected {
        assert!(run.stdout.contains(expected), "{expected}\n{run:?}");
    }
    assert!(!run.stdout.contains("Dockerfile.link"), "{run:?}");
    assert!(!run.stdout.contains("self/"), "{run:?}");
    // Both real Dockerfiles are checked once: `deep/er/Dockerfile` or its link, not both.
    assert_eq!(run.stdout.matches(": DL3019").count(), 2, "{run:?}");

    // Named on the command line, the same files give the same messages.
    if fifo {
        let run = plimsoll(root, &["check", "Dockerfile.fifo", "Dockerfile"]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stdout.contains("not a regular file"), "{run:?}");
        assert!(run.stdout.contains("DL3019"), "{run:?}");
    }
    let run = plimsoll(root, &["check", "broken.Dockerfile"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("symbolic link to missing"), "{run:?}");
    let run = plimsoll(root, &["check", "no-such-file"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("plimsoll: no-such-file: no such file or directory"),
        "{run:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Configuration and .dockerignore

#[test]
fn a_bad_configuration_stops_only_the_files_it_covers() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("plimsoll.toml", b"ignore = [\n", "unclosed array"),
        ("plimsoll.toml", b"\xff\xfe\0\x01", "not valid UTF-8"),
        ("plimsoll.toml", b"select = 3\n", "plimsoll.toml"),
        (
            ".hadolint.yaml",
            b"ignored: [DL3019\n  - : :\n",
            "invalid YAML",
        ),
        (".hadolint.yaml", b"\0\0\0", ".hadolint.yaml"),
    ];
    for (name, content, message) in cases {
        let dir = temp_dir();
        write(dir.path(), &format!("broken/{name}"), content);
        write(dir.path(), "broken/Dockerfile", APK);
        write(dir.path(), "fine/Dockerfile", APK);
        let run = plimsoll(dir.path(), &["check", "--format", "concise"]);
        assert_no_crash(&run);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains(message), "{message}\n{run:?}");
        assert!(
            run.stdout
                .contains("broken/Dockerfile: error: not checked: its configuration has an error"),
            "{run:?}"
        );
        assert!(
            run.stdout.contains("fine/Dockerfile:2:5: DL3019"),
            "{run:?}"
        );
    }
    // A configuration named on the command line that cannot be used stops the run.
    let dir = temp_dir();
    write(dir.path(), "Dockerfile", APK);
    write(dir.path(), "bad.toml", "ignore = 1\n");
    for config in ["missing.toml", "bad.toml", "."] {
        let run = plimsoll(dir.path(), &["check", "--config", config]);
        assert_no_crash(&run);
        assert_eq!(run.code, 2, "{config}: {run:?}");
        assert!(run.stderr.starts_with("plimsoll: "), "{run:?}");
    }
}

#[test]
fn odd_dockerignore_patterns_never_crash() {
    let patterns: &[&[u8]] = &[
        b"[\n",
        b"\\\n",
        b"!\n",
        b"**/**/**\n!**\n",
        b"/\n//\n../..\n/etc/passwd\n",
        b"[a-\n[]]\n[!]\n[^\n",
        b"*\n!*\n*\n!.dockerignore\n",
        b"# only a comment",
        b"\xff\xfe invalid utf-8 \x80\n",
        b"a\0b\n\0\n",
        b"\r\n\r\n  \t \n",
    ];
    let long = format!("{}\n{}\n", "a/".repeat(20_000), "*".repeat(10_000));
    let dockerfile = "FROM alpine:3.20\nCOPY . /app\nRUN apk add curl=1\nUSER 1000\n";
    for pattern in patterns.iter().copied().chain([long.as_bytes()]) {
        let dir = temp_dir();
        write(dir.path(), "Dockerfile", dockerfile);
        write(dir.path(), ".dockerignore", pattern);
        write(dir.path(), ".env", "API_KEY=secret\n");
        write(dir.path(), "src/main.go", "package main\n");
        let run = plimsoll(dir.path(), &["check", "--format", "concise", "--fix"]);
        assert_no_crash(&run);
        assert_ne!(
            run.code,
            2,
            "{:?}: {run:?}",
            String::from_utf8_lossy(pattern)
        );
        // The ignore file is the user's: fixes never rewrite it.
        assert_eq!(
            std::fs::read(dir.path().join(".dockerignore")).unwrap(),
            pattern
        );
    }
}

// ---------------------------------------------------------------------------------------
// --fix

#[test]
fn fix_leaves_a_file_it_cannot_parse_unless_the_change_is_in_what_parses() {
    let dir = temp_dir();
    // The unknown flag is on another instruction: the fixes only touch well-formed ones.
    let flag_elsewhere = "FROM alpine:3.20\nRUN --bogus true\nRUN apk add curl=1\nUSER 1000\n";
    write(dir.path(), "elsewhere/Dockerfile", flag_elsewhere);
    // The unknown flag is on an instruction a fix would change: it is left alone.
    let flag_here = "FROM alpine:3.20\nRUN --bogus apk add curl=1\nRUN apk add git=2\nUSER 1000\n";
    write(dir.path(), "here/Dockerfile", flag_here);
    // An unterminated here-document swallows the rest of the file.
    let heredoc = "FROM alpine:3.20\nRUN <<EOF\napk add curl=1\nRUN apk add git=2\n";
    write(dir.path(), "heredoc/Dockerfile", heredoc);
    // A fix would add an instruction (a USER before CMD) to a file that does not parse.
    let adds = "FROM alpine:3.20\nRUN --bogus true\nCMD [\"x\"]\n";
    write(dir.path(), "adds/Dockerfile", adds);
    let run = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "--fix", "--unsafe-fixes"],
    );
    assert_no_crash(&run);
    let read = |path: &str| std::fs::read_to_string(dir.path().join(path)).unwrap();
    assert_eq!(
        read("elsewhere/Dockerfile"),
        "FROM alpine:3.20\nRUN --bogus true\nRUN apk add --no-cache curl=1\nUSER 1000\n"
    );
    assert_eq!(
        read("here/Dockerfile"),
        "FROM alpine:3.20\nRUN --bogus apk add curl=1\nRUN apk add --no-cache git=2\nUSER 1000\n"
    );
    assert_eq!(read("heredoc/Dockerfile"), heredoc);
    assert_eq!(read("adds/Dockerfile"), adds);
    assert!(
        run.stderr.contains(
            "plimsoll: adds/Dockerfile: not fixed: line 2 has a syntax error, and a fix would \
             add or remove instructions (fix the error first)"
        ),
        "{run:?}"
    );
    // What is not fixed is still reported.
    assert!(run.stdout.contains("here/Dockerfile:2:5: PL109"), "{run:?}");
    assert!(
        run.stdout.contains("here/Dockerfile:2:13: DL3019"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("heredoc/Dockerfile:3:1: DL3019"),
        "{run:?}"
    );
    // --diff shows the same.
    std::fs::write(dir.path().join("elsewhere/Dockerfile"), flag_elsewhere).unwrap();
    let run = plimsoll(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("+++ b/elsewhere/Dockerfile"), "{run:?}");
    assert!(!run.stdout.contains("b/heredoc/Dockerfile"), "{run:?}");
    assert!(!run.stdout.contains("b/adds/Dockerfile"), "{run:?}");
}

#[test]
fn fix_repairs_a_syntax_error_in_place_with_unsafe_fixes() {
    let dir = temp_dir();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nRUNN apk add curl=1\nUSER 1000\n",
    );
    let run = plimsoll(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_no_crash(&run);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM alpine:3.20\nRUN apk add --no-cache curl=1\nUSER 1000\n"
    );
}

#[cfg(unix)]
#[test]
fn fix_writes_through_a_link_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let real = write(dir.path(), "docker/Dockerfile.real", APK);
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("docker/Dockerfile.real", dir.path().join("Dockerfile")).unwrap();
    let run = plimsoll(dir.path(), &["check", "Dockerfile", "--fix"]);
    assert_no_crash(&run);
    let link = dir.path().join("Dockerfile");
    assert!(link.symlink_metadata().unwrap().is_symlink(), "{run:?}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), APK_FIXED);
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("docker"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Dockerfile.real"]);
}

// ---------------------------------------------------------------------------------------
// Security: the build context, writes, the network

#[cfg(unix)]
#[test]
fn the_build_context_is_never_read_through_a_link_that_leaves_it() {
    use std::os::unix::fs::symlink;
    let dir = temp_dir();
    let go_mod = "module example.com/x\n\ngo 1.24.2\n";
    let dockerfile = "FROM golang:1.22.5 AS build\nWORKDIR /src\nCOPY go.mod ./\n\
                      RUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\
                      FROM scratch\nCOPY --from=build /app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n";
    write(dir.path(), "outside/go.mod", go_mod);
    write(dir.path(), "outside/.dockerignore", "*\n");
    // The go.mod inside the context is read: the image is older than it asks.
    write(dir.path(), "inside/go.mod", go_mod);
    write(dir.path(), "inside/Dockerfile", dockerfile);
    // Through a link to a file inside the context, too.
    write(dir.path(), "linked-inside/mod/go.mod", go_mod);
    symlink("mod/go.mod", dir.path().join("linked-inside/go.mod")).unwrap();
    write(dir.path(), "linked-inside/Dockerfile", dockerfile);
    // Not through a link that leaves it, relative or absolute; nor through a linked folder.
    write(dir.path(), "relative/Dockerfile", dockerfile);
    symlink("../outside/go.mod", dir.path().join("relative/go.mod")).unwrap();
    write(dir.path(), "absolute/Dockerfile", dockerfile);
    symlink(
        dir.path().join("outside/go.mod"),
        dir.path().join("absolute/go.mod"),
    )
    .unwrap();
    symlink(
        dir.path().join("outside/.dockerignore"),
        dir.path().join("absolute/.dockerignore"),
    )
    .unwrap();
    write(
        dir.path(),
        "folder/Dockerfile",
        dockerfile.replace("COPY go.mod", "COPY mod/go.mod"),
    );
    symlink("../outside", dir.path().join("folder/mod")).unwrap();

    let run = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "--select", "PL501,PL601"],
    );
    assert_no_crash(&run);
    let mismatch = "PL501 [warning] Go version mismatch";
    for checked in ["inside", "linked-inside"] {
        assert!(
            run.stdout
                .contains(&format!("{checked}/Dockerfile:1:6: {mismatch}")),
            "{checked}: {run:?}"
        );
    }
    for escaped in ["relative", "absolute", "folder"] {
        assert!(
            !run.stdout
                .contains(&format!("{escaped}/Dockerfile:1:6: {mismatch}")),
            "{escaped} read a go.mod outside its context: {run:?}"
        );
    }
    // The outside `.dockerignore` (which would exclude everything) is not read either.
    assert!(
        run.stdout.contains("absolute/Dockerfile:5:6: PL601"),
        "{run:?}"
    );
}

#[test]
fn fix_writes_only_the_files_it_names_and_the_context_files_its_fixes_create() {
    let dir = temp_dir();
    let dockerfile = "FROM alpine:3.20\nCOPY . /app\nRUN apk add curl=1\nUSER 1000\n";
    write(dir.path(), "project/Dockerfile", dockerfile);
    write(dir.path(), "project/.env", "API_KEY=secret\n");
    write(dir.path(), "project/.git/config", "[core]\n");
    write(dir.path(), "project/other/Dockerfile", dockerfile);
    write(dir.path(), "elsewhere/Dockerfile", dockerfile);
    let before = tree(dir.path());
    let run = plimsoll(
        &dir.path().join("project"),
        &["check", "Dockerfile", "--fix", "--unsafe-fixes"],
    );
    assert_no_crash(&run);
    let after = tree(dir.path());
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(path, content)| before.get(*path) != Some(content))
        .map(|(path, _)| {
            path.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    changed.sort();
    assert_eq!(
        changed,
        ["project/.dockerignore", "project/Dockerfile"],
        "{run:?}"
    );
    assert!(before.keys().all(|path| after.contains_key(path)));
}

#[test]
fn no_network_client_is_linked() {
    // Plimsoll never uses the network: no crate that speaks HTTP, TLS or DNS is built in.
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"'))
        .collect();
    for client in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "attohttpc",
        "surf",
        "h2",
        "rustls",
        "native-tls",
        "openssl",
        "hickory-resolver",
        "trust-dns-resolver",
    ] {
        assert!(
            !packages.contains(&client),
            "{client} is in Cargo.lock: Plimsoll must not use the network"
        );
    }
}
