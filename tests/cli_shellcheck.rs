//! `plimsoll check --shellcheck`: ShellCheck's findings on RUN scripts, through the real
//! binary. Tests that need the `shellcheck` program skip loudly without it; those about a
//! missing or broken program bring their own `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Dockerfile with ShellCheck findings across a line continuation, in a heredoc script and
/// in a heredoc read by a command; `version` is declared, so it is neither unassigned nor
/// split.
const SCRIPTS: &str = "FROM alpine:3.20
ARG version=1
RUN echo $version $other && \\
    echo \"é\" $unquoted
RUN <<EOF
#!/bin/bash
echo $body
[[ -f x ]]
EOF
RUN cat <<EOF > /f
$in_heredoc
EOF
USER 1000
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
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

impl Run {
    /// `--format json` findings as `code line:column-end_column severity`.
    fn findings(&self) -> Vec<String> {
        let items: Vec<serde_json::Value> = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"));
        items
            .iter()
            .map(|item| {
                format!(
                    "{} {}:{}-{} {}",
                    item["code"].as_str().unwrap_or_default(),
                    item["line"],
                    item["column"],
                    item["end_column"],
                    item["severity"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }

    fn codes(&self) -> Vec<String> {
        self.findings()
            .iter()
            .map(|f| f.split(' ').next().unwrap_or_default().to_string())
            .collect()
    }
}

/// Runs `plimsoll` in `dir`; `path` replaces `PATH` when given.
fn plimsoll(dir: &Path, args: &[&str], path: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plimsoll"));
    command.current_dir(dir).args(args);
    for name in [
        "PLIMSOLL_FORMAT",
        "PLIMSOLL_SELECT",
        "PLIMSOLL_IGNORE",
        "NO_COLOR",
    ] {
        command.env_remove(name);
    }
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().expect("run plimsoll");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write a project file");
    }
    dir
}

/// Whether `shellcheck` is on `PATH`; says so loudly when it is not.
fn have_shellcheck() -> bool {
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join("shellcheck").is_file())
    });
    if !found {
        eprintln!(
            "\n\n*** SKIPPED: `shellcheck` is not on PATH; install it \
             (apt-get install shellcheck) ***\n\n"
        );
    }
    found
}

/// `plimsoll check --format json` and `args` on a project of `files`; `None` (skipped,
/// loudly) without `shellcheck`.
fn check(files: &[(&str, &str)], args: &[&str]) -> Option<(tempfile::TempDir, Run)> {
    if !have_shellcheck() {
        return None;
    }
    let dir = project(files);
    let out = plimsoll(
        dir.path(),
        &[&["check", "--format", "json"], args].concat(),
        None,
    );
    Some((dir, out))
}

#[test]
fn findings_are_reported_at_their_exact_positions() {
    let files = [("Dockerfile", SCRIPTS)];
    let Some((_dir, out)) = check(&files, &["--shellcheck", "--select", "SC"]) else {
        return;
    };
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.findings(),
        [
            "SC2086 3:19-25 info",
            "SC2154 3:19-25 warning",
            "SC2086 4:14-23 info",
            "SC2154 4:14-23 warning",
            "SC2086 7:6-11 info",
            "SC2154 7:6-11 warning",
            "SC2154 11:1-12 warning",
        ]
    );
    // Each has ShellCheck's message and wiki page.
    let items: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(items[1]["message"], "other is referenced but not assigned.");
    assert_eq!(items[1]["name"], "shellcheck");
    assert_eq!(items[1]["url"], "https://www.shellcheck.net/wiki/SC2154");
}

#[test]
fn scripts_are_given_on_standard_input_not_written_to_disk() {
    if !have_shellcheck() {
        return;
    }
    // Nowhere to write a temporary file: the findings are the same.
    let dir = project(&[("Dockerfile", SCRIPTS)]);
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--shellcheck",
            "--select",
            "SC2086",
        ])
        .env("TMPDIR", dir.path().join("missing"))
        .output()
        .expect("run plimsoll");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("SC2086").count(), 3, "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "only the Dockerfile: {files:?}");
}

#[test]
fn off_by_default() {
    let dir = project(&[("Dockerfile", SCRIPTS)]);
    let out = plimsoll(dir.path(), &["check", "--format", "json"], None);
    assert!(
        !out.codes().iter().any(|code| code.starts_with("SC")),
        "{out:?}"
    );
}

#[test]
fn plimsoll_toml_turns_it_on_and_configures_its_codes() {
    let config = "shellcheck = true\nselect = [\"shellcheck\"]\nignore = [\"SC2154\"]\n\
                  severity = { SC2086 = \"error\" }\n";
    let files = [("Dockerfile", SCRIPTS), ("plimsoll.toml", config)];
    let Some((_dir, out)) = check(&files, &[]) else {
        return;
    };
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(
        out.findings(),
        [
            "SC2086 3:19-25 error",
            "SC2086 4:14-23 error",
            "SC2086 7:6-11 error"
        ]
    );
}

#[test]
fn command_line_selects_ignores_and_sets_severities_by_code() {
    let args = [
        "--shellcheck",
        "--select=SC2",
        "--ignore=SC2086",
        "--severity=SC2154=info",
        "--failure-threshold=warning",
    ];
    let Some((dir, out)) = check(&[("Dockerfile", SCRIPTS)], &args) else {
        return;
    };
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.findings(),
        [
            "SC2154 3:19-25 info",
            "SC2154 4:14-23 info",
            "SC2154 7:6-11 info",
            "SC2154 11:1-12 info",
        ]
    );
    // A code ShellCheck does not have is still a usage error.
    let out = plimsoll(dir.path(), &["check", "--ignore", "SC99999"], None);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn suppression_comments_hide_findings() {
    let dockerfile = "FROM alpine:3.20
# hadolint ignore=SC2086
RUN echo $a
# plimsoll ignore=SC2154,SC2086
RUN echo $b
# plimsoll ignore=SC2164
RUN echo ok
USER 1000
";
    let select = "--select=SC,PL001";
    let Some((dir, out)) = check(&[("Dockerfile", dockerfile)], &[select, "--shellcheck"]) else {
        return;
    };
    // SC2154 of `$a` is left; the suppression of SC2164 hides nothing (PL001).
    assert_eq!(
        out.findings(),
        ["SC2154 3:10-12 warning", "PL001 6:19-25 warning"],
        "{out:?}"
    );
    // Without ShellCheck, suppressions of its codes are not reported as unused.
    let out = plimsoll(dir.path(), &["check", select, "--format", "json"], None);
    assert_eq!(out.findings(), Vec::<String>::new(), "{out:?}");
}

#[test]
fn hadolint_yaml_ignores_shellcheck_codes_without_a_warning() {
    let files = [
        ("Dockerfile", "FROM alpine:3.20\nRUN echo $a\nUSER 1000\n"),
        (".hadolint.yaml", "ignored:\n  - SC2154\n"),
    ];
    let Some((_dir, out)) = check(&files, &["--shellcheck", "--select", "SC"]) else {
        return;
    };
    assert_eq!(out.findings(), ["SC2086 2:10-12 info"], "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn fixes_still_apply_and_findings_remain() {
    let files = [(
        "Dockerfile",
        "FROM alpine:3.20\nRUN apk add curl $extra\nUSER 1000\n",
    )];
    let args = ["--shellcheck", "--select", "SC,DL3019", "--fix"];
    let Some((dir, out)) = check(&files, &args) else {
        return;
    };
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        fixed,
        "FROM alpine:3.20\nRUN apk add --no-cache curl $extra\nUSER 1000\n"
    );
    assert_eq!(
        out.findings(),
        ["SC2086 2:29-35 info", "SC2154 2:29-35 warning"],
        "{out:?}"
    );
}

/// A directory holding only `programs` (name, shell script), to be the whole `PATH`.
fn bin_dir(programs: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, script) in programs {
        let path: PathBuf = dir.path().join(name);
        std::fs::write(&path, script).expect("write a program");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .expect("make it executable");
        }
    }
    dir
}

/// Two Dockerfiles whose only findings would be ShellCheck's.
fn two_dockerfiles() -> tempfile::TempDir {
    project(&[
        ("Dockerfile", "FROM alpine:3.20\nRUN echo $a\nUSER 1000\n"),
        (
            "app.Dockerfile",
            "FROM alpine:3.20\nRUN echo $b\nUSER 1000\n",
        ),
    ])
}

/// `plimsoll check --shellcheck --select SC` in `dir` with `bin` as the whole `PATH`: its
/// warnings, each once.
fn warnings_with_path(dir: &Path, bin: &Path) -> Vec<String> {
    let args = [
        "check",
        "--shellcheck",
        "--select",
        "SC",
        "--format",
        "json",
    ];
    let out = plimsoll(dir, &args, Some(bin));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.findings().is_empty(), "{out:?}");
    out.stderr.lines().map(str::to_string).collect()
}

#[test]
fn a_missing_program_is_one_warning() {
    let dir = two_dockerfiles();
    let empty = bin_dir(&[]);
    let warnings = warnings_with_path(dir.path(), empty.path());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let expected = "plimsoll: warning: ShellCheck is enabled but `shellcheck` is not on PATH";
    assert!(warnings[0].starts_with(expected), "{warnings:?}");
    // Not asked for, not missed.
    let out = plimsoll(dir.path(), &["check", "--select", "SC"], Some(empty.path()));
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[cfg(unix)]
#[test]
fn a_failing_program_is_one_warning() {
    let dir = two_dockerfiles();
    let broken = bin_dir(&[(
        "shellcheck",
        "#!/bin/sh\necho 'shellcheck: unrecognized option' >&2\nexit 4\n",
    )]);
    let warnings = warnings_with_path(dir.path(), broken.path());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let expected = "failed (exit status: 4): shellcheck: unrecognized option";
    assert!(warnings[0].contains(expected), "{warnings:?}");
    // Output that is not ShellCheck's report is a failure too.
    let garbage = bin_dir(&[("shellcheck", "#!/bin/sh\necho 'not json'\nexit 1\n")]);
    let warnings = warnings_with_path(dir.path(), garbage.path());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("not its JSON"), "{warnings:?}");
}
