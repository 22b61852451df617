use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::images::{base_image, report_base_image};

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
        let Some(image) = base_image(checker.model, stage) else {
            return;
        };
        if image.tag.is_some() || image.digest.is_some() {
            return;
        }
        report_base_image(
            checker,
            stage,
            &image,
            "has no tag: the build uses whatever `latest` is today",
            "which has no tag: the build uses whatever `latest` is today",
        );
    }
}
