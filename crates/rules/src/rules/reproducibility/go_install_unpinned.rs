use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_pins, go_pinned, tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `go install`, `go run` and `go get` of a module at a version that moves:
    /// `@latest`, a branch (`@master`, `@main`, `@HEAD`) or the queries `@upgrade` and
    /// `@patch`; and `go get` of a module without a version, which means `@upgrade`.
    ///
    /// A package with any other version (`@v1.2.3`, a commit, a pseudo-version) is pinned.
    /// Local packages (`.`, `./cmd/app`, `/src/...`, `main.go`) are not checked, nor are the
    /// values of options (`-o bin/app`, `-ldflags …`), nor the program's arguments after the
    /// package of `go run`. A package written with a variable is judged by the value an ARG
    /// or ENV gives it; one whose value the Dockerfile does not give
    /// (`@${VERSION}` with a bare `ARG VERSION`) is never reported.
    ///
    /// ## Why
    /// `go install tool@latest` builds whatever was released last on the day of the build:
    /// the same Dockerfile built later gives another tool, and a new release can break the
    /// build. Unlike hadolint, the rule does not report `go install example.com/cmd/tool`
    /// without a version: since Go 1.16 it builds the version that the `go.mod` of the
    /// current module requires (and fails outside a module), so it is pinned. It does report
    /// `go get` without a version, which upgrades the module to its latest release, and
    /// branch names, which move like `latest`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23.4
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## Fix
    /// None: pin the version the build was tested with.
    pub struct GoInstallUnpinned {
        code: "DL3062",
        name: "go-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["go"])],
    }
}

const MESSAGE: &str =
    "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`";

impl Rule for GoInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(go) = tool_command(command).filter(|t| t.tool == Tool::Go) else {
            return;
        };
        let mut packages = go.operands();
        match go.sub() {
            Some("install" | "get") => {}
            // The words after the package are the program's arguments.
            Some("run") => packages.truncate(1),
            _ => return,
        }
        let get = go.is(&["get"]);
        check_pins(checker, run, &packages, |p| go_pinned(p, get), MESSAGE);
    }
}
