use crate::checker::Checker;
use crate::declare_rule;
use crate::model::{BaseImage, ImageRef, InstructionId, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::top_level_id;
use crate::rules::helpers::buildkit_env::{copy_sources, is_heredoc_marker};
use crate::rules::helpers::copy_from::{from_references, FromTarget};
use crate::rules::helpers::expansion::expand_word;
use crate::rules::helpers::stages::{ends_up_in_image, stage_chain};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage> / /`: a `COPY` of the whole filesystem of another stage
    /// or image into the root of this one. The root may be written `/`, `"/"`, `/.` or with
    /// a variable whose value is `/`; a source of `/*` (every top-level entry) counts too.
    ///
    /// Unlike hadolint, the rule only reports a `COPY` in the final stage or a stage it is
    /// built on, since what a build stage holds does not reach the image, and it stays
    /// silent when the copy only flattens a stage into a stage built on `scratch`
    /// (`FROM scratch` then `COPY --from=rootfs / /`: the image holds what `rootfs` holds,
    /// in one layer). Nor does it report sources that hold only files put there on purpose:
    /// a stage built on `scratch` with a few `COPY` lines (`FROM scratch AS artifacts`), and
    /// the cross-compilation helpers of `tonistiigi/xx`, whose documentation adds them with
    /// `COPY --from=xx / /`.
    ///
    /// ## Why
    /// A multi-stage build exists to leave the build behind: compilers, package manager
    /// caches, source code and any secret a build step wrote stay in the build stage, and
    /// only the files the image needs are copied on. Copying the whole filesystem brings
    /// all of it back, and replaces the files of this stage's own base image as well. Copy
    /// the directories the program needs instead.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ENTRYPOINT ["/out/app"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// None: which files the image needs is the author's choice.
    pub struct CopyEntireFilesystem {
        code: "DL3067",
        name: "copy-entire-filesystem",
        category: Size,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy])],
    }
}

impl Rule for CopyEntireFilesystem {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        // An ONBUILD trigger runs in another Dockerfile, whose stages are not known here.
        let Some(id) = top_level_id(model, instruction) else {
            return;
        };
        let Some(flag) = instruction.flag("from") else {
            return;
        };
        let Some(stage) = model.stage_of(id) else {
            return;
        };
        // Onto an empty stage the copy only flattens the source's layers into one.
        if !ends_up_in_image(model, stage)
            || *stage.root_base(model) == BaseImage::Scratch
            || !copies_whole_filesystem(model, id, instruction)
        {
            return;
        }
        let harmless_source = from_references(model, checker.source, instruction)
            .iter()
            .any(|reference| match reference.target {
                FromTarget::Earlier(index) => model
                    .stages
                    .get(index)
                    .is_some_and(|source| holds_only_chosen_files(model, source)),
                FromTarget::Image => expand_word(model, id, &reference.written)
                    .is_some_and(|written| is_copied_whole(&ImageRef::parse(&written, flag.range))),
                _ => false,
            });
        if harmless_source {
            return;
        }
        let source = flag.value.as_deref().unwrap_or_default();
        let range = TextRange::new(flag.range.start, instruction.range.end);
        checker.report(
            range,
            format!(
                "Do not copy an entire filesystem from another stage: this copies every file \
                 of `{source}` over this image's root, build tools, caches and leftovers \
                 included"
            ),
        );
    }
}

/// Whether a stage holds only files chosen to be copied on: it is built on an image made to
/// be copied whole, or on scratch with no whole filesystem copied into it.
fn holds_only_chosen_files(model: &SemanticModel, stage: &Stage) -> bool {
    match stage.root_base(model) {
        BaseImage::Image(image) => is_copied_whole(image),
        BaseImage::Scratch => !stage_chain(model, stage).iter().any(|s| {
            s.instructions
                .clone()
                .any(|other| copies_whole_filesystem(model, other, model.instruction(other)))
        }),
        _ => false,
    }
}

/// Images made to be copied whole into a build stage: `tonistiigi/xx`, the
/// cross-compilation helpers (`COPY --from=xx / /` is how its documentation adds them).
fn is_copied_whole(image: &ImageRef) -> bool {
    image.docker_hub_name() == Some("tonistiigi/xx")
}

/// Whether instruction `id` is a `COPY --from` of the root directory (or every entry of it)
/// to the root directory.
fn copies_whole_filesystem(
    model: &SemanticModel,
    id: InstructionId,
    instruction: &Instruction,
) -> bool {
    if instruction.keyword != Keyword::Copy || instruction.flag("from").is_none() {
        return false;
    }
    let destination = match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) => words.last(),
        _ => None,
    };
    let root_at = |written: &str, source: bool| {
        expand_word(model, id, written).is_some_and(|path| is_root(&path, source))
    };
    destination.is_some_and(|d| root_at(&d.value, false))
        && copy_sources(instruction)
            .iter()
            .any(|source| !is_heredoc_marker(instruction, source) && root_at(&source.value, true))
}

/// Whether `path` is the root directory (`/`, `//`, `/.`), or, for a source, every entry of
/// it (`/*`).
fn is_root(path: &str, source: bool) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let mut segments: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if source && segments.last() == Some(&"*") {
        segments.pop();
    }
    segments.is_empty()
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn root_spellings() {
        for root in ["/", "//", "/.", "/./"] {
            assert!(is_root(root, false), "{root}");
            assert!(is_root(root, true), "{root}");
        }
        assert!(is_root("/*", true));
        assert!(!is_root("/*", false));
        for other in ["/app", ".", "", "/app/..", "*", "/app/*"] {
            assert!(!is_root(other, true), "{other}");
        }
    }
}
