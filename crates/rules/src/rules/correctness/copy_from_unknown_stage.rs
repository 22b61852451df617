use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::suggest;
use crate::rules::helpers::copy_from::{from_references, FromTarget};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY --from=…` (or `RUN --mount=…,from=…`) that names neither a stage
    /// defined before it nor an image:
    ///
    /// - a stage defined later in the file, by name or by index;
    /// - a stage index the file does not have (`--from=3` with three stages, numbered from
    ///   0);
    /// - a bare name (no registry, path, tag or digest) that is not a stage and not one of
    ///   Docker Hub's official images: BuildKit reads it as the image
    ///   `docker.io/library/NAME`, which does not exist. A typo of a stage name is the usual
    ///   cause; the message suggests the closest stage name.
    ///
    /// `--from` values are expanded with the ARG and ENV values in scope; one that uses a
    /// variable without a value is not judged, and neither are bare names in a file whose
    /// stages are named with variables.
    ///
    /// ## Why
    /// `--from` accepts a stage name, a stage index or an image, and BuildKit falls back to
    /// pulling an image for any name that is not a stage: a misspelt stage name fails the
    /// build on a pull error that does not mention the typo, or, worse, copies from an
    /// unrelated image of that name. A stage used before its definition builds with
    /// BuildKit but not with the classic builder, and reads backwards.
    ///
    /// Unlike hadolint, images are accepted (`COPY --from=nginx:1.27 …`,
    /// `COPY --from=composer …`), and so are stage indexes of earlier stages.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=biuld /out/app /app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// COPY --from=0 /etc/ssl/certs /etc/ssl/certs
    /// COPY --from=busybox:1.36 /bin/busybox /busybox
    /// ```
    ///
    /// ## Fix
    /// None: the stage to copy from, or the image, is for the author to say. A bare name
    /// that is given as a named build context (`docker buildx build --build-context
    /// NAME=…`) is reported too: suppress the finding there.
    pub struct CopyFromUnknownStage {
        code: "DL3022",
        name: "copy-from-unknown-stage",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy, Keyword::Add, Keyword::Run])],
    }
}

impl Rule for CopyFromUnknownStage {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        for reference in from_references(model, checker.source, instruction) {
            let written = &reference.written;
            let key = reference.key;
            let stages = model.stages.len();
            match &reference.target {
                FromTarget::Later(index) => {
                    let Some(later) = model.stages.get(*index) else {
                        continue;
                    };
                    let which = match written.parse::<usize>() {
                        Ok(_) => format!("stage {index}"),
                        Err(_) => format!("stage `{written}`"),
                    };
                    let from = model.instruction(later.from).range;
                    checker
                        .report(
                            reference.range,
                            format!(
                                "`{key}={written}` refers to {which}, defined after this \
                                 instruction: `--from` should reference a previously defined \
                                 `FROM` alias"
                            ),
                        )
                        .add_related(from, format!("{which} is defined here"));
                }
                FromTarget::NoSuchIndex(index) => {
                    checker.report(
                        reference.range,
                        format!(
                            "`{key}={written}` refers to stage {index}, but the file has \
                             {stages} stage{} (numbered from 0)",
                            if stages == 1 { "" } else { "s" }
                        ),
                    );
                }
                FromTarget::NotFound(name) => {
                    let hint = suggest(
                        name,
                        model.stages.iter().filter_map(|s| s.name.as_deref()),
                        false,
                    )
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                    checker.report(
                        reference.range,
                        format!(
                            "`{key}={written}` names no stage defined before{hint}, and no \
                             official image: BuildKit would pull `docker.io/library/{}`",
                            name.to_ascii_lowercase()
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
