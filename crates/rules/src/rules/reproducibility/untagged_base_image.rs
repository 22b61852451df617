use crate::checker::Checker;
use crate::declare_rule;
use crate::model::{BaseImage, ImageRef, SemanticModel, Stage, Variable};
use crate::registry::{Rule, Target};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image has neither a tag nor a digest, such as `FROM ubuntu`.
    ///
    /// When the image comes from an ARG (`FROM $BASE`), the rule reads the ARG's default
    /// value, and reports the `FROM` when that default has no tag. Not reported: a
    /// reference to an earlier stage, `scratch`, a variable without a default, an image ID
    /// (64 hexadecimal digits), a reference that is not valid and so cannot be an image (a
    /// template placeholder such as `FROM BASEIMAGE`), and an ARG default that says it must
    /// be overridden (`non-existing`, `override`, `placeholder`, `changeme`, …).
    ///
    /// ## Why
    /// An image without a tag means `latest`: whatever the registry calls the newest
    /// image today. The same Dockerfile then builds on another operating system release or
    /// another language runtime from one day to the next, and a build that worked can
    /// break, or worse, work differently, with nothing in the Dockerfile's history to
    /// explain it. A tag (`ubuntu:24.04`) names what the image was written and tested
    /// against; a digest (`@sha256:…`) pins it exactly.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM ubuntu
    /// RUN echo hello
    /// ```
    ///
    /// ```dockerfile invalid
    /// ARG BASE=python
    /// FROM ${BASE}
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM ubuntu:24.04 AS build
    /// FROM build
    /// FROM scratch
    /// COPY --from=build /etc/os-release /
    /// ```
    ///
    /// ## Fix
    /// None: which version to use is the author's choice. Pick the tag the image was
    /// tested with, or a digest to pin it exactly.
    pub struct UntaggedBaseImage {
        code: "DL3006",
        name: "untagged-base-image",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for UntaggedBaseImage {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let Some(image) = base_image(model, stage) else {
            return;
        };
        if image.tag.is_some() || image.digest.is_some() {
            return;
        }
        let written = checker.text(stage.base_range);
        let args = if image.from_variable {
            args_used(model, stage, written)
        } else {
            Vec::new()
        };
        let names: Vec<String> = args.iter().map(|a| format!("`{}`", a.name)).collect();
        let from_args = match names.len() {
            1 => format!("from the default of ARG {}", names.join("")),
            _ => format!("from the defaults of ARGs {}", names.join(", ")),
        };
        let message = if names.is_empty() {
            format!(
                "`{}` has no tag: the build uses whatever `latest` is today",
                image.text
            )
        } else {
            format!(
                "`{written}` resolves to `{}` ({}), which has no tag: \
                 the build uses whatever `latest` is today",
                image.text, from_args
            )
        };
        let diagnostic = checker.report(stage.base_range, message);
        for arg in args {
            let range = model.instruction(arg.instruction).range;
            diagnostic.add_related(range, format!("ARG `{}` is declared here", arg.name));
        }
    }
}

/// The image a stage is built on, as BuildKit reads it (quotes removed), when it is a valid
/// reference worth judging: not a stage, `scratch` or an unresolved variable, not an image ID
/// (64 hexadecimal digits), not an invalid reference such as a template placeholder
/// (`FROM BASEIMAGE`), and not an ARG default that says it must be overridden
/// (`ARG BASE=non-existing`).
pub(crate) fn base_image(model: &SemanticModel, stage: &Stage) -> Option<ImageRef> {
    let BaseImage::Image(image) = &stage.base else {
        return None;
    };
    let text = image.text.trim_matches(['"', '\'']);
    let mut parsed = ImageRef::parse(text, image.range);
    parsed.from_variable = image.from_variable;
    let repository_ok = !parsed.repository.is_empty()
        && parsed.repository.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/')
        });
    let is_id = parsed.registry.is_none()
        && parsed.repository.len() == 64
        && parsed.repository.chars().all(|c| c.is_ascii_hexdigit());
    // `FROM 0`: some builders (Buildah) read a number as the index of an earlier stage.
    let is_stage_index = text.parse::<usize>().is_ok_and(|i| i < stage.index);
    if !repository_ok || is_id || is_stage_index {
        return None;
    }
    if parsed.from_variable {
        let lower = text.to_ascii_lowercase();
        let placeholder = PLACEHOLDERS.iter().any(|p| lower.contains(p));
        // A stage named with a variable (`AS ${NAME}`) that BuildKit does not expand.
        let dynamic_stage_names = model
            .stages
            .iter()
            .any(|s| s.name.as_deref().is_some_and(|n| n.contains('$')));
        if placeholder || dynamic_stage_names {
            return None;
        }
    }
    Some(parsed)
}

/// Words of ARG defaults that are meant to be overridden.
const PLACEHOLDERS: &[&str] = &[
    "non-existing",
    "nonexisting",
    "nonexistent",
    "override",
    "placeholder",
    "replace-me",
    "replaceme",
    "change-me",
    "changeme",
];

/// The global ARGs with a value that a FROM word refers to (`$NAME` or `${NAME…}`), last
/// declaration of each name before the FROM, in file order.
pub(crate) fn args_used<'m>(
    model: &'m SemanticModel,
    stage: &Stage,
    written: &str,
) -> Vec<&'m Variable> {
    let mut found: Vec<&Variable> = Vec::new();
    for arg in model
        .global_args
        .iter()
        .rev()
        .filter(|arg| arg.instruction < stage.from && arg.value.is_some())
    {
        if found.iter().any(|f| f.name == arg.name) || !refers_to(written, &arg.name) {
            continue;
        }
        found.push(arg);
    }
    found.reverse();
    found
}

/// Whether `word` contains `$name` or `${name` followed by `}` or a modifier.
fn refers_to(word: &str, name: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    word.match_indices('$').any(|(at, _)| {
        let rest = word.get(at + 1..).unwrap_or("");
        if let Some(braced) = rest.strip_prefix('{') {
            braced
                .strip_prefix(name)
                .is_some_and(|after| after.starts_with(['}', ':']))
        } else {
            rest.strip_prefix(name)
                .is_some_and(|after| !after.starts_with(is_name_char))
        }
    })
}
