use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::BaseImage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::is_valid_reference;
use crate::rules::helpers::copy_from::{from_references, FromTarget};
use crate::rules::helpers::expansion::{expand_word, is_onbuild_trigger};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an image reference BuildKit cannot parse: a `FROM` image, a `COPY --from`
    /// or a `RUN --mount=…,from=…` that names no stage and is not a valid reference, such as
    /// `FROM Ubuntu:22.04` (upper case), `FROM python:3.12:slim` (two tags) or
    /// `COPY --from=-build …`.
    ///
    /// References built from variables are left to `invalid-default-arg-in-from` (PL215),
    /// which knows their defaults, and a bare `--from` name that is neither a stage nor an
    /// official image to `copy-from-unknown-stage` (DL3022). Template placeholders that a tool replaces before the
    /// build (`FROM {{ base }}`, `FROM BASE_IMAGE`) are not reported, nor are image IDs
    /// (64 hexadecimal digits), which the classic builder accepts.
    ///
    /// ## Why
    /// BuildKit stops with `invalid reference format` before it pulls anything. A
    /// reference is `[registry[:port]/]path[:tag][@digest]`, where the path is lowercase
    /// letters, digits and the separators `.`, `_`, `__` and `-`, the tag is at most 128
    /// letters, digits, `_`, `.` and `-`, and the digest is `sha256:` followed by 64
    /// hexadecimal digits.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM Ubuntu:22.04
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM ubuntu:22.04
    /// ```
    ///
    /// ## Fix
    /// When the only problem is upper case in the repository path, the fix writes it in
    /// lowercase. It is unsafe: the image is the one the author most likely meant, but it is
    /// a different name.
    pub struct InvalidImageReference {
        code: "PL127",
        name: "invalid-image-reference",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::From, Keyword::Copy, Keyword::Run])],
    }
}

impl Rule for InvalidImageReference {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        if instruction.keyword != Keyword::From {
            for reference in from_references(model, checker.source, instruction) {
                if reference.target == FromTarget::Image {
                    let what = match instruction.keyword {
                        Keyword::Run => "mount image",
                        _ => "`--from` image",
                    };
                    check(
                        checker,
                        reference.id,
                        &reference.written,
                        reference.range,
                        what,
                    );
                }
            }
            return;
        }
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        if is_onbuild_trigger(model, instruction) {
            return;
        }
        let is_image = model
            .stage_of(id)
            .is_some_and(|stage| stage.from == id && matches!(stage.base, BaseImage::Image(_)));
        if let (true, Arguments::List(words)) = (is_image, &instruction.args) {
            if let Some(word) = words.first() {
                check(checker, id, &word.value, word.range, "image");
            }
        }
    }
}

/// Reports `written` (a reference as written at instruction `id`) when BuildKit would
/// reject it.
fn check(checker: &mut Checker<'_>, id: usize, written: &str, range: TextRange, what: &str) {
    if written.contains('$') || written.is_empty() || is_placeholder(written) {
        return;
    }
    let Some(value) = expand_word(checker.model, id, written) else {
        return;
    };
    // An image ID: BuildKit refuses it, but the classic builder takes a local image by ID.
    let is_id = value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    if value.is_empty() || value == "scratch" || is_id || is_valid_reference(&value) {
        return;
    }
    let lowered = lowercase_repository(&value);
    if is_valid_reference(&lowered) {
        let message = format!(
            "The {what} `{value}` is not a valid reference: repository names are lowercase"
        );
        let literal = checker.text(range) == value;
        let diagnostic = checker.report(range, message);
        if literal {
            diagnostic.set_fix(Fix::unsafe_edit(
                format!("Write `{lowered}`"),
                vec![Edit::replace(range, lowered)],
            ));
        }
        return;
    }
    checker.report(
        range,
        format!("The {what} `{value}` is not a valid reference: invalid reference format"),
    );
}

/// The reference with its repository path in lowercase (the registry host and the tag
/// keep their case).
fn lowercase_repository(reference: &str) -> String {
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i..])),
        None => (name, None),
    };
    let path = match path.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => {
            format!("{host}/{}", rest.to_lowercase())
        }
        _ => path.to_lowercase(),
    };
    let mut out = path;
    out.push_str(tag.unwrap_or(""));
    if let Some(digest) = digest {
        out.push('@');
        out.push_str(digest);
    }
    out
}

/// A template placeholder a tool fills in before the build: `{{ base }}`, `%%BASE%%`,
/// `<image>`, `@BASE@`, or a name in capitals (`BASE_IMAGE`, `IMAGE:TAG`).
fn is_placeholder(written: &str) -> bool {
    if written.contains(['{', '}', '%', '<', '>', '@']) && !written.contains("@sha") {
        return true;
    }
    let repository = written.split(':').next().unwrap_or(written);
    repository.chars().any(|c| c.is_ascii_uppercase())
        && repository
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::{is_placeholder, lowercase_repository};

    #[test]
    fn lowercasing() {
        assert_eq!(lowercase_repository("Ubuntu:22.04"), "ubuntu:22.04");
        assert_eq!(lowercase_repository("MyOrg/App:V1"), "myorg/app:V1");
        assert_eq!(
            lowercase_repository("Registry.io:5000/Team/App@sha256:ab"),
            "Registry.io:5000/team/app@sha256:ab"
        );
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("{{ .Base }}"));
        assert!(is_placeholder("BASE_IMAGE"));
        assert!(is_placeholder("IMAGE:TAG"));
        assert!(is_placeholder("%%BASE%%"));
        assert!(!is_placeholder("Ubuntu:22.04"));
        assert!(!is_placeholder("alpine@sha256:00"));
    }
}
