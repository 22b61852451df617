use super::toolchain::{
    base_workdir, build_cache_dir, go_commands, has_cache_mount_on, is_root_at, is_windows_stage,
    mod_cache_dir, workdir_at,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::run_and_stage;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that runs `go build`, `go install`, `go test`, `go vet`, `go run` or
    /// `go mod download` without a cache mount on the module cache (`/go/pkg/mod`) and, for
    /// commands that compile, on the build cache (`/root/.cache/go-build`). `GOMODCACHE`,
    /// `GOPATH`, `GOCACHE`, `XDG_CACHE_HOME` and `HOME` set by ENV or ARG move these
    /// directories, and the rule checks the moved ones. When a directory is not known (a
    /// base image other than `golang`), it is not asked for. RUNs as a user other than root
    /// are not reported: a cache mount belongs to root unless its `uid` says otherwise.
    ///
    /// The rule is off by default: cache mounts need BuildKit.
    ///
    /// ## Why
    /// A layer is rebuilt from nothing when anything it depends on changes, so every build
    /// after a source change downloads every module and compiles every package again. A
    /// cache mount keeps the module and build caches between builds, outside the image:
    /// rebuilds only compile what changed, and the caches never end up in a layer.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN --mount=type=cache,target=/go/pkg/mod \
    ///     --mount=type=cache,target=/root/.cache/go-build \
    ///     go build -o /out/app .
    /// ```
    ///
    /// ## Fix
    /// Inserts the missing `--mount=type=cache,target=…` flags after `RUN`. The fix is
    /// unsafe: it only changes caching, but the Dockerfile then needs BuildKit.
    pub struct GoBuildCacheMount {
        code: "PL504",
        name: "go-build-cache-mount",
        category: Go,
        severity: Info,
        enabled: false,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run])],
    }
}

impl Rule for GoBuildCacheMount {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        let Some((id, stage)) = run_and_stage(model, instruction) else {
            return;
        };
        let mut first = None;
        let mut compiles = false;
        for run in model.runs_of(id) {
            for (command, go) in go_commands(run) {
                let (uses, builds) = match go.subcommand {
                    "build" | "install" | "test" | "vet" | "run" => (true, true),
                    "mod" => (go.is_mod("download"), false),
                    _ => (false, false),
                };
                if uses {
                    first.get_or_insert((command.range, go.subcommand));
                    compiles |= builds;
                }
            }
        }
        let Some((range, subcommand)) = first else {
            return;
        };
        if is_windows_stage(model, stage.index) || !is_root_at(model, stage.index, id) {
            // A cache mount belongs to root unless told otherwise (`uid=`): another user
            // could not write to it.
            return;
        }
        let workdir = workdir_at(model, stage.index, id, base_workdir(model, stage.index));
        let mut missing = Vec::new();
        let mut dirs = vec![mod_cache_dir(model, stage.index, id)];
        if compiles {
            dirs.push(build_cache_dir(model, stage.index, id));
        }
        for dir in dirs.into_iter().flatten() {
            if !has_cache_mount_on(model, id, instruction, &dir, workdir.as_deref()) {
                missing.push(dir);
            }
        }
        if missing.is_empty() || missing.iter().any(|d| d.contains([',', ' ', '"', '\''])) {
            return;
        }
        let list: Vec<String> = missing.iter().map(|d| format!("`{d}`")).collect();
        let flags: String = missing
            .iter()
            .map(|d| format!(" --mount=type=cache,target={d}"))
            .collect();
        let go = match subcommand {
            "mod" => "go mod download".to_string(),
            other => format!("go {other}"),
        };
        checker
            .report(
                range,
                format!(
                    "`{go}` runs without a cache mount on {}: every rebuild starts from empty \
                     caches",
                    list.join(" and ")
                ),
            )
            .set_fix(Fix::unsafe_edit(
                "Add cache mounts for the Go caches",
                vec![Edit::insert(instruction.keyword_range.end, flags)],
            ));
    }
}
