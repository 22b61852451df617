//! `plimsoll check` drives the real binary on files in temporary directories: exit codes,
//! fixes, diffs, standard input, directory walking, configuration, options and output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A Dockerfile with one finding (DL3019, info) that `--fix` fixes.
const APK: &str = "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\n";
/// `APK` fixed.
const APK_FIXED: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\nUSER 10001\n";
/// A Dockerfile without findings.
const CLEAN: &str = "FROM alpine:3.20\nUSER 10001\n";
/// A Dockerfile with a warning (DL3025) that has no safe fix.
const SHELL_CMD: &str = "FROM alpine:3.20\nUSER 10001\nCMD echo hi\n";

/// Environment variables that change what `plimsoll check` does.
const ENV: [&str; 9] = [
    "PLIMSOLL_FORMAT",
    "PLIMSOLL_FIX",
    "PLIMSOLL_CONFIG",
    "PLIMSOLL_CONTEXT",
    "PLIMSOLL_SELECT",
    "PLIMSOLL_IGNORE",
    "PLIMSOLL_FAILURE_THRESHOLD",
    "NO_COLOR",
    "CLICOLOR_FORCE",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The findings of `--format json` as (file, code, line, severity).
    fn findings(&self) -> Vec<(String, String, u64, String)> {
        let items: Vec<serde_json::Value> = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr));
        items
            .iter()
            .map(|item| {
                (
                    item["file"].as_str().unwrap_or_default().to_string(),
                    item["code"].as_str().unwrap_or("").to_string(),
                    item["line"].as_u64().unwrap_or(0),
                    item["severity"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// The rule codes of `--format json`, in output order.
    fn codes(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.1).collect()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A `plimsoll` command in `dir`, with a clean environment.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plimsoll"));
    command.current_dir(dir).args(args);
    for name in ENV {
        command.env_remove(name);
    }
    command
}

fn run(mut command: Command, stdin: &[u8]) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run plimsoll");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `plimsoll ARGS` in `dir`.
fn plimsoll(dir: &Path, args: &[&str]) -> Run {
    run(command(dir, args), b"")
}

/// `plimsoll ARGS` in `dir` with `stdin` as standard input.
fn plimsoll_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    run(command(dir, args), stdin.as_bytes())
}

/// A temporary directory holding `files` (path, content).
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("plimsoll-cli-")
        .tempdir()
        .unwrap();
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

fn write(dir: &Path, path: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    path
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

// ---------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_0_when_clean() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let out = plimsoll(dir.path(), &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("No problems found"), "{out:?}");
    assert_eq!(out.stderr, "");
}

#[test]
fn exit_1_with_findings() {
    let dir = project(&[("Dockerfile", APK)]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.findings(),
        [(
            "Dockerfile".to_string(),
            "DL3019".to_string(),
            2,
            "info".to_string()
        )]
    );
}

#[test]
fn diff_exits_1_with_changes_and_0_without() {
    let dir = project(&[("Dockerfile", APK), ("clean/Dockerfile", CLEAN)]);
    let out = plimsoll(dir.path(), &["check", "--diff", "Dockerfile"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(read(dir.path(), "Dockerfile"), APK, "--diff never writes");

    let out = plimsoll(dir.path(), &["check", "--diff", "clean"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "");

    // Findings without a fix do not make --diff fail: it tells whether --fix would change
    // anything.
    let dir = project(&[("Dockerfile", SHELL_CMD)]);
    let out = plimsoll(dir.path(), &["check", "--diff"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn missing_file_is_exit_2_and_the_others_are_still_checked() {
    let dir = project(&[("Dockerfile", APK)]);
    let out = plimsoll(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "missing/Dockerfile",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("missing/Dockerfile"), "{out:?}");
    assert!(out.codes().contains(&"DL3019".to_string()), "{out:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_file_is_exit_2_and_the_others_are_still_checked() {
    // `/proc/self/mem` exists but cannot be read from offset 0, even by root.
    let dir = project(&[("Dockerfile", APK)]);
    let out = plimsoll(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "/proc/self/mem",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains("/proc/self/mem"), "{out:?}");
    assert!(out.stdout.contains("Dockerfile:2:5: DL3019"), "{out:?}");
}

#[cfg(unix)]
#[test]
fn file_without_read_permission_is_exit_2_and_the_others_are_still_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("a/Dockerfile", CLEAN), ("b/Dockerfile", APK)]);
    let locked = dir.path().join("a/Dockerfile");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("running as root: permissions do not stop reading, test skipped");
        return;
    }
    // Found by walking the directory as well as named.
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--format", "json", "a/Dockerfile", "b"],
    ] {
        let out = plimsoll(dir.path(), args);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.codes().contains(&"DL3019".to_string()), "{out:?}");
        assert!(out.stdout.contains("a/Dockerfile"), "{out:?}");
    }
}

#[test]
fn bad_configuration_is_exit_2() {
    let dir = project(&[
        ("Dockerfile", APK),
        ("plimsoll.toml", "ignroe = [\"DL3019\"]\n"),
    ]);
    let out = plimsoll(dir.path(), &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("plimsoll.toml:1:1: unknown field `ignroe`"),
        "{out:?}"
    );

    let dir = project(&[
        ("Dockerfile", APK),
        (".hadolint.yaml", "failure-threshold: fatal\n"),
    ]);
    let out = plimsoll(dir.path(), &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(".hadolint.yaml"), "{out:?}");

    let out = plimsoll(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("missing.toml"), "{out:?}");
}

#[test]
fn bad_options_are_exit_2() {
    let dir = project(&[("Dockerfile", APK)]);
    for (args, message) in [
        (&["--severity", "DL3019=fatal"][..], "`fatal`"),
        (
            &["--severity", "DL9999=error"],
            "`DL9999` is not a known rule",
        ),
        (&["--severity", "DL3019"], "not CODE=level"),
        (&["--select", "DL9999"], "`DL9999` selects no rule"),
        (&["--select", "DL3019,nope"], "`nope` selects no rule"),
        (&["--extend-select", "PL999"], "`PL999` selects no rule"),
        (&["--ignore", "apk-add-no-cache-typo"], "selects no rule"),
        (&["--failure-threshold", "fatal"], "`fatal`"),
        (&["--format", "yaml"], "yaml"),
        (&["--fix", "--diff"], "cannot be used with"),
    ] {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let out = plimsoll(dir.path(), &all);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(message), "{args:?}: {out:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    // Selectors that do select rules: codes, prefixes, names, categories, ALL.
    for selector in [
        "DL3019",
        "DL30",
        "pl5",
        "apk-add-without-no-cache",
        "size",
        "ALL",
    ] {
        let out = plimsoll(dir.path(), &["check", "-q", "--select", selector]);
        assert_ne!(out.code, 2, "{selector}: {out:?}");
    }
}

// ---------------------------------------------------------------------------------------
// --fix, --unsafe-fixes, --diff

#[test]
fn fix_rewrites_the_file() {
    let dir = project(&[("Dockerfile", APK), ("other/Dockerfile", APK)]);
    let out = plimsoll(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Fixed 1 problem"), "{out:?}");
    assert_eq!(read(dir.path(), "Dockerfile"), APK_FIXED);
    assert_eq!(read(dir.path(), "other/Dockerfile"), APK, "not named");
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn fix_reports_what_is_left_and_exits_1_for_it() {
    let dir = project(&[(
        "Dockerfile",
        "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n",
    )]);
    let out = plimsoll(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.codes(), ["DL3025"]);
    assert_eq!(
        read(dir.path(), "Dockerfile"),
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n"
    );
}

#[test]
fn fix_keeps_crlf_line_endings() {
    // The unsafe fixes insert whole lines (PL401 adds a user) and edit others (PL502).
    let dockerfile = "FROM golang:1.23.4 AS build\r\nWORKDIR /src\r\nCOPY . .\r\n\
                      RUN go build -o /app .\r\nFROM alpine:3.20\r\nRUN apk add curl=8.11.1-r0\r\n\
                      COPY --from=build /app /app\r\nCMD [\"/app\"]\r\n";
    let dir = project(&[("Dockerfile", dockerfile), (".dockerignore", ".git\n")]);
    let out = plimsoll(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_ne!(out.code, 2, "{out:?}");
    let fixed = read(dir.path(), "Dockerfile");
    assert_ne!(fixed, dockerfile);
    assert!(
        fixed.contains("apk add --no-cache curl=8.11.1-r0\r\n"),
        "{fixed:?}"
    );
    assert!(fixed.contains("CGO_ENABLED=0"), "{fixed:?}");
    assert!(fixed.contains("USER "), "{fixed:?}");
    assert_eq!(
        fixed.matches('\n').count(),
        fixed.matches("\r\n").count(),
        "every line ends with CRLF: {fixed:?}"
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("Dockerfile", APK)]);
    let path = dir.path().join("Dockerfile");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
    let out = plimsoll(dir.path(), &["check", "--fix"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(dir.path(), "Dockerfile"), APK_FIXED);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o751);
}

#[test]
fn fix_leaves_files_without_fixes_untouched() {
    let dir = project(&[("Dockerfile", SHELL_CMD), ("clean/Dockerfile", CLEAN)]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("clean/Dockerfile"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let out = plimsoll(dir.path(), &["check", "--fix"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stdout.contains("Fixed"), "{out:?}");
    assert_eq!(read(dir.path(), "Dockerfile"), SHELL_CMD);
    assert_eq!(read(dir.path(), "clean/Dockerfile"), CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("clean/Dockerfile"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o600);
    }
    assert!(!dir.path().join(".dockerignore").exists());
}

#[test]
fn fix_creates_the_dockerignore_in_the_context() {
    let dockerfile = "FROM alpine:3.20\nCOPY . /app\nUSER 10001\n";
    let dir = project(&[("svc/Dockerfile", dockerfile)]);

    // --diff shows the new file and fails, without creating it.
    let out = plimsoll(dir.path(), &["check", "--diff"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("--- /dev/null\n+++ b/svc/.dockerignore\n@@ -0,0 +1,"),
        "{out:?}"
    );
    assert!(!dir.path().join("svc/.dockerignore").exists());

    let out = plimsoll(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.codes(), Vec::<String>::new());
    let created = read(dir.path(), "svc/.dockerignore");
    assert!(created.contains("**/.env"), "{created}");
    assert_eq!(read(dir.path(), "svc/Dockerfile"), dockerfile);
    assert!(!dir.path().join(".dockerignore").exists(), "not in the cwd");

    // Now there is one: nothing left to do.
    let out = plimsoll(dir.path(), &["check", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
}

#[test]
fn fix_with_context_creates_the_dockerignore_there() {
    let dir = project(&[(
        "docker/Dockerfile",
        "FROM alpine:3.20\nCOPY . /app\nUSER 10001\n",
    )]);
    let out = plimsoll(
        dir.path(),
        &["check", "--fix", "--context", ".", "docker/Dockerfile"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Fixed 1 problem"), "{out:?}");
    assert!(dir.path().join(".dockerignore").is_file());
    assert!(!dir.path().join("docker/.dockerignore").exists());
}

#[test]
fn unsafe_fixes_only_with_the_flag() {
    let dockerfile = "FROM alpine:3.20\nADD conf.txt /etc/\nADD app.tar /opt/\n\
                      ENTRYPOINT /opt/app serve\nUSER 10001\n";
    let dir = project(&[
        ("Dockerfile", dockerfile),
        ("conf.txt", "x"),
        ("app.tar", "x"),
        (".dockerignore", ".git\n"),
    ]);
    let out = plimsoll(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let safe = "FROM alpine:3.20\nCOPY conf.txt /etc/\nADD app.tar /opt/\n\
                ENTRYPOINT /opt/app serve\nUSER 10001\n";
    assert_eq!(read(dir.path(), "Dockerfile"), safe);

    let out = plimsoll(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("+ENTRYPOINT [\"/opt/app\", \"serve\"]\n"),
        "{out:?}"
    );

    let out = plimsoll(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_ne!(out.code, 2, "{out:?}");
    let fixed = read(dir.path(), "Dockerfile");
    assert!(
        fixed.contains("ENTRYPOINT [\"/opt/app\", \"serve\"]\n"),
        "{fixed}"
    );
    // An archive is what ADD is for: not reported, not changed.
    assert!(fixed.contains("ADD app.tar /opt/\n"), "{fixed}");
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = project(&[("Dockerfile", APK), ("b/api.Dockerfile", APK)]);
    let out = plimsoll(dir.path(), &["check", "--diff"]);
    assert_eq!(out.code, 1, "{out:?}");
    let hunk = "@@ -1,3 +1,3 @@\n FROM alpine:3.20\n-RUN apk add curl=8.11.1-r0\n+RUN apk add --no-cache curl=8.11.1-r0\n USER 10001\n";
    assert_eq!(
        out.stdout,
        format!(
            "--- a/Dockerfile\n+++ b/Dockerfile\n{hunk}\
             --- a/b/api.Dockerfile\n+++ b/b/api.Dockerfile\n{hunk}"
        )
    );
    assert_eq!(read(dir.path(), "Dockerfile"), APK);
}

// ---------------------------------------------------------------------------------------
// Standard input

#[test]
fn stdin_is_named_dash() {
    let dir = project(&[]);
    let out = plimsoll_stdin(dir.path(), &["check", "--format", "json", "-"], APK);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.findings(),
        [("-".to_string(), "DL3019".to_string(), 2, "info".to_string())]
    );
}

#[test]
fn stdin_filename_names_it_and_gives_its_context_and_configuration() {
    let copy_all = "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nCOPY . /app\nUSER 10001\n";
    let dir = project(&[("svc/main.go", "package main\n")]);
    let args = [
        "check",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "svc/Dockerfile",
    ];
    let out = plimsoll_stdin(dir.path(), &args, copy_all);
    assert_eq!(out.code, 1, "{out:?}");
    let file = "svc/Dockerfile".to_string();
    assert_eq!(
        out.findings(),
        [
            (file.clone(), "DL3019".to_string(), 2, "info".to_string()),
            (file.clone(), "PL601".to_string(), 3, "warning".to_string()),
        ]
    );

    // The context's .dockerignore and the configuration beside the named file count.
    write(dir.path(), "svc/.dockerignore", b".git\n");
    write(dir.path(), "svc/plimsoll.toml", b"ignore = [\"DL3019\"]\n");
    let out = plimsoll_stdin(dir.path(), &args, copy_all);
    assert_eq!((out.code, out.codes()), (0, vec![]), "{out:?}");
}

#[test]
fn fixing_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = project(&[]);
    let out = plimsoll_stdin(dir.path(), &["check", "--fix", "-"], APK);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, APK_FIXED);
    assert!(out.stderr.contains("Fixed 1 problem"), "{out:?}");

    // Nothing to fix: the text comes back unchanged.
    let out = plimsoll_stdin(dir.path(), &["check", "--fix", "-"], SHELL_CMD);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, SHELL_CMD);
    assert!(out.stderr.contains("DL3025"), "{out:?}");

    // With --output the report goes there.
    let out = plimsoll_stdin(
        dir.path(),
        &[
            "check",
            "--fix",
            "--format",
            "json",
            "--output",
            "report.json",
            "-",
        ],
        "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n",
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n"
    );
    assert!(read(dir.path(), "report.json").contains("DL3025"));
}

#[test]
fn fixing_stdin_writes_no_file() {
    let dir = project(&[("svc/Dockerfile", CLEAN)]);
    let dockerfile = "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nCOPY . /app\nUSER 10001\n";
    let out = plimsoll_stdin(
        dir.path(),
        &["check", "--fix", "-", "--stdin-filename", "svc/Dockerfile"],
        dockerfile,
    );
    assert_ne!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\nCOPY . /app\nUSER 10001\n"
    );
    assert_eq!(read(dir.path(), "svc/Dockerfile"), CLEAN);
    assert!(!dir.path().join("svc/.dockerignore").exists());
}

#[test]
fn diff_of_stdin() {
    let dir = project(&[]);
    let out = plimsoll_stdin(dir.path(), &["check", "--diff", "-"], APK);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("--- a/-\n+++ b/-\n"), "{out:?}");
    assert!(
        out.stdout
            .contains("+RUN apk add --no-cache curl=8.11.1-r0\n"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Directory walking

fn checked_files(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "json", "--select", "DL3019"];
    all.extend_from_slice(args);
    let out = plimsoll(dir, &all);
    assert_ne!(out.code, 2, "{out:?}");
    out.findings().into_iter().map(|f| f.0).collect()
}

#[test]
fn walks_directories_for_dockerfile_names_in_a_stable_order() {
    let names = [
        "Dockerfile",
        "Containerfile",
        "Dockerfile.prod",
        "Containerfile.dev",
        "api.Dockerfile",
        "web.dockerfile",
        "worker.Containerfile",
        "deep/er/Dockerfile",
        ".hidden/Dockerfile",
        // Not Dockerfiles:
        "Dockerfile.dockerignore",
        "Dockerfiles",
        "README.md",
        "docker-compose.yml",
        "mydockerfile",
        ".git/Dockerfile",
    ];
    let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, APK)).collect();
    let dir = project(&files);
    let expected = [
        ".hidden/Dockerfile",
        "Containerfile",
        "Containerfile.dev",
        "Dockerfile",
        "Dockerfile.prod",
        "api.Dockerfile",
        "deep/er/Dockerfile",
        "web.dockerfile",
        "worker.Containerfile",
    ];
    assert_eq!(checked_files(dir.path(), &[]), expected);
    assert_eq!(checked_files(dir.path(), &["."]), expected);
    for _ in 0..3 {
        assert_eq!(checked_files(dir.path(), &[]), expected, "stable");
    }
    // A directory named elsewhere keeps its prefix; a file named explicitly is checked
    // whatever its name; a file named twice is checked once.
    let deep = checked_files(dir.path(), &["deep", "README.md", "deep/er/Dockerfile"]);
    assert_eq!(deep, ["deep/er/Dockerfile", "README.md"]);
}

#[test]
fn gitignore_applies_inside_a_git_repository() {
    let dir = project(&[
        ("Dockerfile", APK),
        ("build/Dockerfile", APK),
        ("vendor/Dockerfile", APK),
        (".gitignore", "build/\n"),
        (".ignore", "vendor/\n"),
    ]);
    // Like ripgrep, `.gitignore` only counts in a Git repository (a tarball of the sources
    // is walked whole); `.ignore` always counts.
    assert_eq!(
        checked_files(dir.path(), &[]),
        ["Dockerfile", "build/Dockerfile"]
    );
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    assert_eq!(checked_files(dir.path(), &[]), ["Dockerfile"]);
    // From a subdirectory of the repository too.
    let sub = dir.path().join("build");
    assert_eq!(checked_files(&sub, &[".."]), ["../Dockerfile"]);
    // A file named on the command line is checked even when ignored.
    assert_eq!(
        checked_files(dir.path(), &["build/Dockerfile"]),
        ["build/Dockerfile"]
    );
}

// ---------------------------------------------------------------------------------------
// Configuration

#[test]
fn plimsoll_toml_is_found_upward() {
    let dir = project(&[
        ("plimsoll.toml", "ignore = [\"DL3019\"]\n"),
        (
            "a/b/Dockerfile",
            "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n",
        ),
        // A hadolint file nearer the Dockerfile does not count beside a plimsoll.toml.
        ("a/.hadolint.yaml", "ignored: [DL3025]\n"),
    ]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.codes(), ["DL3025"], "{out:?}");
    // Also from the Dockerfile's own directory.
    let out = plimsoll(&dir.path().join("a/b"), &["check", "--format", "json"]);
    assert_eq!(out.codes(), ["DL3025"], "{out:?}");
    let out = plimsoll(
        &dir.path().join("a/b"),
        &["check", "--format", "json", "--isolated"],
    );
    assert_eq!(out.codes(), ["DL3019", "DL3025"], "{out:?}");
}

#[test]
fn each_dockerfile_gets_its_own_configuration() {
    let dir = project(&[
        ("a/Dockerfile", APK),
        ("a/.plimsoll.toml", "severity = { DL3019 = \"error\" }\n"),
        ("b/Dockerfile", APK),
    ]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    let severities: Vec<_> = out.findings().into_iter().map(|f| (f.0, f.3)).collect();
    assert_eq!(
        severities,
        [
            ("a/Dockerfile".to_string(), "error".to_string()),
            ("b/Dockerfile".to_string(), "info".to_string()),
        ]
    );
}

#[test]
fn hadolint_yaml_is_honoured() {
    let dockerfile =
        "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\nCMD echo hi\nADD a.txt /a\n";
    let dir = project(&[
        ("Dockerfile", dockerfile),
        ("a.txt", "a"),
        (
            ".hadolint.yaml",
            "ignored:\n  - DL3020\n  - DL9999\nfailure-threshold: error\noverride:\n  warning:\n    - DL3019\n",
        ),
    ]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    // Warnings are below the threshold.
    assert_eq!(out.code, 0, "{out:?}");
    let found: Vec<_> = out.findings().into_iter().map(|f| (f.1, f.3)).collect();
    assert_eq!(
        found,
        [
            ("DL3019".to_string(), "warning".to_string()),
            ("DL3025".to_string(), "warning".to_string()),
        ]
    );
    // The entry naming no Plimsoll rule is a warning on stderr (not with --quiet).
    assert!(out.stderr.contains("DL9999"), "{out:?}");
    let out = plimsoll(dir.path(), &["check", "--quiet"]);
    assert_eq!(out.stderr, "", "{out:?}");
}

#[test]
fn config_option_replaces_discovery() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER 10001\nCMD echo hi\n",
        ),
        ("plimsoll.toml", "ignore = [\"DL3019\"]\n"),
        ("ci/strict.toml", "ignore = [\"DL3025\"]\n"),
        ("ci/hadolint.yml", "ignored: [DL3019, DL3025]\n"),
    ]);
    let out = plimsoll(
        dir.path(),
        &["check", "--format", "json", "--config", "ci/strict.toml"],
    );
    assert_eq!(out.codes(), ["DL3019"], "{out:?}");
    let out = plimsoll(
        dir.path(),
        &["check", "--format", "json", "--config", "ci/hadolint.yml"],
    );
    assert_eq!((out.code, out.codes()), (0, vec![]), "{out:?}");
    let out = plimsoll(dir.path(), &["check", "--format", "json", "--isolated"]);
    assert_eq!(out.codes(), ["DL3019", "DL3025"], "{out:?}");
    let out = plimsoll(
        dir.path(),
        &["check", "--isolated", "--config", "ci/strict.toml"],
    );
    assert_eq!(out.code, 2, "--isolated conflicts with --config: {out:?}");
}

#[test]
fn isolated_ignores_a_broken_configuration() {
    let dir = project(&[("Dockerfile", CLEAN), ("plimsoll.toml", "nonsense\n")]);
    assert_eq!(plimsoll(dir.path(), &["check"]).code, 2);
    assert_eq!(plimsoll(dir.path(), &["check", "--isolated"]).code, 0);
}

// ---------------------------------------------------------------------------------------
// Suppressions and rule options

#[test]
fn suppression_comments() {
    let dir = project(&[(
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL3019\nRUN apk add curl=8.11.1-r0\n\
         # plimsoll ignore=DL3025\nCMD echo hi\n# plimsoll ignore=DL3020\nUSER 10001\n",
    )]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    // Only the suppression that hides nothing is reported.
    assert_eq!(
        out.findings(),
        [(
            "Dockerfile".to_string(),
            "PL001".to_string(),
            6,
            "warning".to_string()
        )]
    );
    let out = plimsoll(
        dir.path(),
        &["check", "--format", "json", "--ignore", "PL001"],
    );
    assert_eq!((out.code, out.codes()), (0, vec![]), "{out:?}");
}

#[test]
fn select_ignore_and_extend_select() {
    let dockerfile = "FROM golang:1.23.4 AS build\nRUN go build -o /app .\nFROM alpine:3.20\n\
                      RUN apk add curl=8.11.1-r0\nCOPY --from=build /app /app\nUSER 10001\nCMD /app\n";
    let dir = project(&[("Dockerfile", dockerfile)]);
    let codes = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        plimsoll(dir.path(), &all).codes()
    };
    let default = codes(&[]);
    assert!(default.contains(&"DL3019".to_string()), "{default:?}");
    assert!(default.contains(&"DL3025".to_string()), "{default:?}");
    assert!(
        !default.contains(&"PL504".to_string()),
        "off by default: {default:?}"
    );

    assert_eq!(codes(&["--select", "DL3019"]), ["DL3019"]);
    assert_eq!(codes(&["--select", "DL3019,DL3025"]), ["DL3019", "DL3025"]);
    assert_eq!(
        codes(&["--select", "DL3019", "--select", "json-args-recommended"]),
        ["DL3019", "DL3025"]
    );
    let ignored = codes(&["--ignore", "DL3019,DL3025"]);
    assert!(!ignored.contains(&"DL3019".to_string()), "{ignored:?}");
    assert!(!ignored.contains(&"DL3025".to_string()), "{ignored:?}");
    assert!(codes(&["--extend-select", "PL504"]).contains(&"PL504".to_string()));
    assert_eq!(
        codes(&["--select", "DL3019", "--extend-select", "PL504"]),
        ["PL504", "DL3019"]
    );
    // --ignore wins over --select.
    assert_eq!(
        codes(&["--select", "DL30", "--ignore", "DL3025"]),
        ["DL3019"]
    );
}

#[test]
fn severity_failure_threshold_and_no_fail() {
    let dir = project(&[("Dockerfile", APK)]);
    let out = plimsoll(
        dir.path(),
        &["check", "--format", "json", "--severity", "DL3019=error"],
    );
    assert_eq!(out.findings()[0].3, "error", "{out:?}");
    let out = plimsoll(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--severity",
            "apk-add-without-no-cache=warning",
        ],
    );
    assert_eq!(out.findings()[0].3, "warning", "{out:?}");

    // DL3019 is `info`.
    for (threshold, code) in [
        ("style", 1),
        ("info", 1),
        ("warning", 0),
        ("error", 0),
        ("none", 0),
    ] {
        let out = plimsoll(dir.path(), &["check", "--failure-threshold", threshold]);
        assert_eq!(out.code, code, "{threshold}: {out:?}");
        assert!(out.stdout.contains("DL3019"), "still reported: {out:?}");
    }
    let out = plimsoll(
        dir.path(),
        &[
            "check",
            "--failure-threshold",
            "warning",
            "--severity",
            "DL3019=warning",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    // The command line wins over the configuration file.
    write(
        dir.path(),
        "plimsoll.toml",
        b"failure-threshold = \"error\"\n",
    );
    assert_eq!(plimsoll(dir.path(), &["check"]).code, 0);
    assert_eq!(
        plimsoll(dir.path(), &["check", "--failure-threshold", "info"]).code,
        1
    );

    let out = plimsoll(
        dir.path(),
        &["check", "--no-fail", "--failure-threshold", "info"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("DL3019"), "{out:?}");
    // --no-fail does not hide errors of the run itself.
    assert_eq!(
        plimsoll(dir.path(), &["check", "--no-fail", "missing"]).code,
        2
    );
}

// ---------------------------------------------------------------------------------------
// Output

#[test]
fn statistics() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nRUN apk add git=2.47.1-r0\nUSER 10001\nCMD echo hi\n",
        ),
        ("b/Dockerfile", APK),
    ]);
    let out = plimsoll(dir.path(), &["check", "--statistics"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "     3  DL3019  apk-add-without-no-cache  (3 fixable)\n     1  DL3025  json-args-recommended\n     1  DL3059  consecutive-run\n"
    );
}

#[test]
fn quiet_prints_only_the_findings() {
    let dir = project(&[("Dockerfile", APK), ("clean/Dockerfile", CLEAN)]);
    let out = plimsoll(dir.path(), &["check", "--quiet", "--format", "concise"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    assert!(out.stdout.starts_with("Dockerfile:2:5: DL3019"), "{out:?}");
    let out = plimsoll(dir.path(), &["check", "-q", "clean"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    let loud = plimsoll(dir.path(), &["check", "clean"]);
    assert!(loud.stdout.contains("No problems found"), "{loud:?}");
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = project(&[("Dockerfile", APK)]);
    let out = plimsoll(
        dir.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    let report = read(dir.path(), "report.json");
    assert!(report.contains("\"DL3019\""), "{report}");
    // The report file is not a Dockerfile that a later run would check.
    let out = plimsoll(
        dir.path(),
        &["check", "-q", "--format", "concise", "-o", "report.txt"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(read(dir.path(), "report.txt").starts_with("Dockerfile:2:5: DL3019"));
    // An output file that cannot be created is exit 2.
    let out = plimsoll(dir.path(), &["check", "--output", "no/such/dir/report.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn colours() {
    let dir = project(&[("Dockerfile", APK)]);
    let escape = "\u{1b}[";
    let coloured = |args: &[&str], no_color: bool| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let mut command = command(dir.path(), &all);
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let out = run(command, b"");
        assert_eq!(out.code, 1, "{out:?}");
        out.stdout.contains(escape)
    };
    assert!(coloured(&["--color", "always"], false));
    assert!(coloured(&["--color", "always"], true), "the flag wins");
    assert!(!coloured(&["--color", "never"], false));
    // Not a terminal.
    assert!(!coloured(&[], false));
    assert!(!coloured(&["--color", "auto"], true));
    assert!(!coloured(&["--color", "always", "--format", "json"], false));
}

#[test]
fn invalid_utf8_is_reported_and_never_rewritten() {
    let dir = project(&[("b/Dockerfile", APK)]);
    let bytes = b"FROM alpine:3.20\nRUN apk add curl=8.11.1-r0 # \xff\xfe\nUSER 10001\n";
    write(dir.path(), "a/Dockerfile", bytes);
    let out = plimsoll(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let found: Vec<_> = out
        .findings()
        .into_iter()
        .map(|f| (f.0, f.1, f.2))
        .collect();
    assert_eq!(
        found,
        [
            ("a/Dockerfile".to_string(), "PL100".to_string(), 2),
            ("a/Dockerfile".to_string(), "DL3019".to_string(), 2),
            ("b/Dockerfile".to_string(), "DL3019".to_string(), 2),
        ]
    );
    let out = plimsoll(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        std::fs::read(dir.path().join("a/Dockerfile")).unwrap(),
        bytes
    );
    assert_eq!(read(dir.path(), "b/Dockerfile"), APK_FIXED);
    // --diff shows no change for it either.
    write(dir.path(), "b/Dockerfile", APK_FIXED.as_bytes());
    let out = plimsoll(dir.path(), &["check", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");

    // On standard input, --fix gives the bytes back unchanged.
    let mut command = command(dir.path(), &["check", "--fix", "-"]);
    command.stdin(Stdio::piped());
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, bytes);
}

#[test]
fn plimsoll_format_environment_variable() {
    let dir = project(&[("Dockerfile", APK)]);
    let mut with_env = command(dir.path(), &["check"]);
    with_env.env("PLIMSOLL_FORMAT", "json");
    let out = run(with_env, b"");
    assert_eq!(out.codes(), ["DL3019"], "{out:?}");

    let mut overridden = command(dir.path(), &["check", "--format", "concise", "-q"]);
    overridden.env("PLIMSOLL_FORMAT", "json");
    let out = run(overridden, b"");
    assert!(out.stdout.starts_with("Dockerfile:2:5: DL3019"), "{out:?}");

    let mut bad = command(dir.path(), &["check"]);
    bad.env("PLIMSOLL_FORMAT", "yaml");
    let out = run(bad, b"");
    assert_eq!(out.code, 2, "{out:?}");
}
