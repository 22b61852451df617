use crate::checker::Checker;
use crate::declare_rule;
use crate::model::{BaseImage, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::images::{base_image, report_base_image};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image uses the tag `latest`, such as `FROM node:latest`.
    ///
    /// When the image comes from an ARG (`FROM node:$VERSION`), the rule reads the ARG's
    /// default value. A reference whose tag is written `latest` is reported even when an
    /// earlier part comes from a variable without a value (`FROM gcr.io/$PROJECT/app:latest`):
    /// whatever the variable holds, the tag is `latest`. A reference pinned by a digest
    /// (`node:latest@sha256:…`) is not reported: the digest decides which image is used.
    /// Like `untagged-base-image` (DL3006), the rule skips references that are not valid and
    /// ARG defaults meant to be overridden.
    ///
    /// ## Why
    /// `latest` is not a version: it is whatever image was pushed last under that name.
    /// The same Dockerfile then builds on a new major release of the operating system or
    /// runtime the day one is published, and a build that worked can break, or work
    /// differently, with nothing in the Dockerfile's history to explain it. Writing
    /// `latest` explicitly only makes the problem look intended.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:latest
    /// RUN npm --version
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22.11-bookworm
    /// RUN npm --version
    /// ```
    ///
    /// ## Fix
    /// None: which version to use is the author's choice. Use the release tag the image
    /// was tested with, or add a digest to pin it exactly.
    pub struct LatestTag {
        code: "DL3007",
        name: "latest-tag",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

const PROBLEM: &str =
    "uses the `latest` tag, which points to a different image whenever a new one is pushed";

impl Rule for LatestTag {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        if let BaseImage::Unresolved(written) = &stage.base {
            let written = written.trim_matches(['"', '\'']);
            if written_tag(written) == Some("latest") {
                checker.report(stage.base_range, format!("`{written}` {PROBLEM}"));
            }
            return;
        }
        let Some(image) = base_image(checker.model, stage) else {
            return;
        };
        if image.tag.as_deref() != Some("latest") || image.digest.is_some() {
            return;
        }
        report_base_image(
            checker,
            stage,
            &image,
            PROBLEM,
            "whose `latest` tag points to a different image whenever a new one is pushed",
        );
    }
}

/// The tag of an image reference as written, when no variable and no digest can change it:
/// the text after the `:` that follows the last `/`. `gcr.io/$PROJECT/app:latest` gives
/// `latest` whatever `$PROJECT` holds; `app:$TAG` and `app:1@sha256:…` give nothing.
fn written_tag(reference: &str) -> Option<&str> {
    if reference.contains('@') {
        return None;
    }
    let name = reference.rsplit('/').next()?;
    let (_, tag) = name.rsplit_once(':')?;
    (!tag.is_empty() && !tag.contains(['$', '{', '}'])).then_some(tag)
}
