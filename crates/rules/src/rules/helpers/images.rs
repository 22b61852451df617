//! Image references: what a stage's base image resolves to, and what runs on it.

use crate::checker::Checker;
use crate::model::{BaseImage, ImageRef, SemanticModel, Stage, Variable};

/// Whether the image is a Windows image (users there are not Linux users).
pub(crate) fn is_windows_image(image: &ImageRef) -> bool {
    let repository = image.repository.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    repository.contains("windows")
        || repository.contains("nanoserver")
        || repository.contains("servercore")
        || tag.contains("nanoserver")
        || tag.contains("servercore")
        || tag.contains("windows")
        || tag.contains("ltsc")
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

/// Reports the base image of `stage`, `image` being its [`base_image`]. The message is the
/// image's name followed by `problem` (`has no tag: …`) or, when the image comes from ARG
/// defaults, what the FROM resolves to followed by `resolved_problem` (`which has no tag:
/// …`), with where each ARG is declared.
pub(crate) fn report_base_image(
    checker: &mut Checker<'_>,
    stage: &Stage,
    image: &ImageRef,
    problem: &str,
    resolved_problem: &str,
) {
    let model = checker.model;
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
        format!("`{}` {problem}", image.text)
    } else {
        format!(
            "`{written}` resolves to `{}` ({from_args}), {resolved_problem}",
            image.text
        )
    };
    let diagnostic = checker.report(stage.base_range, message);
    for arg in args {
        let range = model.instruction(arg.instruction).range;
        diagnostic.add_related(range, format!("ARG `{}` is declared here", arg.name));
    }
}

/// The global ARGs with a value that a FROM word refers to (`$NAME` or `${NAME…}`), last
/// declaration of each name before the FROM, in file order.
fn args_used<'m>(model: &'m SemanticModel, stage: &Stage, written: &str) -> Vec<&'m Variable> {
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
