use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::label_formats::is_semver;
use crate::rules::helpers::labels::{invalid_labels, InvalidLabel, LabelKind};
use plimsoll_parser::{Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `semver` when it is not a
    /// semantic version (semver.org 2.0.0): `MAJOR.MINOR.PATCH`, numbers without leading
    /// zeros, then an optional `-pre.release` and `+build` (`1.4.0`, `2.0.0-rc.1+b5`).
    /// The schema is hadolint's `label-schema` (`.hadolint.yaml`) or `label-schema` in
    /// `plimsoll.toml`; without one the rule reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument (the usual `VERSION`) is set when the image
    /// is built and is not checked; an empty value is `empty-required-label`'s (DL3051).
    ///
    /// ## Why
    /// Version labels are compared by tools that decide whether an image is newer, or
    /// which one to deploy. `latest`, `1.4` or `v1.4.0` are not semantic versions, and
    /// tools that parse the label reject them or order them wrongly.
    ///
    /// Unlike hadolint, which reads `$VAR` as text (so `version=$VERSION` is always
    /// reported), a value written with an ENV is checked once expanded, and one set by a
    /// build argument is not checked.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { "org.opencontainers.image.version" = "semver" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="v1.4.0"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ENV APP_VERSION=1.4.0
    /// LABEL org.opencontainers.image.version="${APP_VERSION}"
    /// ```
    ///
    /// ## Fix
    /// When the value is written literally and is a semantic version after a leading `v`
    /// (`v1.4.0`), removes the `v`. Unsafe: whatever reads the label may expect the `v`.
    pub struct LabelNotSemver {
        code: "DL3056",
        name: "label-not-semver",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotSemver {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        for invalid in invalid_labels(checker, instruction, LabelKind::Semver) {
            let fix = leading_v(checker, &invalid)
                .map(|v| Fix::unsafe_edit("Remove the leading `v`", vec![Edit::delete(v)]));
            let diagnostic = checker.report(
                invalid.label.value_range(),
                invalid.message("does not conform to semantic versioning"),
            );
            if let Some(fix) = fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}

/// Where the `v` of a literal `v1.2.3` (quoted or not) is written, when removing it leaves
/// a semantic version.
fn leading_v(checker: &Checker<'_>, invalid: &InvalidLabel<'_>) -> Option<TextRange> {
    let version = invalid.value.strip_prefix(['v', 'V'])?;
    if !is_semver(version) {
        return None;
    }
    let word = &invalid.label.pair.value;
    let written = checker.text(word.range);
    if written != word.value {
        return None;
    }
    let offset = match written.as_bytes().first()? {
        b'"' | b'\'' => 1,
        _ => 0,
    };
    // The written text is exactly the value (plus quotes): no escapes, no variables.
    if written.get(offset..offset + invalid.value.len())? != invalid.value {
        return None;
    }
    let start = word.range.start + offset as u32;
    Some(TextRange::new(start, start + 1))
}
