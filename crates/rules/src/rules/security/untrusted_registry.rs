use crate::checker::Checker;
use crate::declare_rule;
use crate::model::ImageRef;
use crate::registry::{Rule, Target};
use crate::rules::helpers::copy_from::{from_references, FromTarget};
use crate::rules::helpers::expansion::expand_word;
use crate::rules::helpers::images::base_image;
use plimsoll_parser::{Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports images pulled from a registry that is not in the trusted list: the base
    /// image of each `FROM`, and the images of `COPY --from=…` and
    /// `RUN --mount=…,from=…`. Stages, `scratch` and references with a variable without a
    /// value are not judged. Does nothing until trusted registries are configured.
    ///
    /// The list is hadolint's `trustedRegistries` in `.hadolint.yaml`, `trusted-registries`
    /// in `plimsoll.toml`, or `trusted-registries` in the rule's own options
    /// (`[rules.DL3026]`), which wins. An entry is a registry host (`ghcr.io`,
    /// `registry.example.com:5000`), `*` (any), `*.example.com` (any host ending so) or
    /// `registry.example.*` (any host starting so). Docker Hub is `docker.io` (or
    /// `hub.docker.com`) and covers images written without a registry, as well as
    /// `index.docker.io/…`, `registry-1.docker.io/…` and `registry.hub.docker.com/…`.
    ///
    /// ## Why
    /// Where an image comes from decides who can change what is built on it. An
    /// organisation that mirrors and scans its base images wants every Dockerfile to pull
    /// from the mirror, not straight from a public registry.
    ///
    /// Unlike hadolint, the images `COPY --from` and `RUN --mount` pull are checked too,
    /// ARG values are expanded, and Docker Hub's other host names count as Docker Hub.
    ///
    /// ## Example
    /// ```toml
    /// trusted-registries = ["registry.example.com", "*.mirror.example.com"]
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// COPY --from=ghcr.io/example/tool:1.4 /tool /usr/local/bin/tool
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM registry.example.com/library/node:22-alpine AS build
    /// FROM eu.mirror.example.com/library/nginx:1.27
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix
    /// None: the image on a trusted registry may have another name.
    pub struct UntrustedRegistry {
        code: "DL3026",
        name: "untrusted-registry",
        category: Security,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[
            Keyword::From,
            Keyword::Copy,
            Keyword::Add,
            Keyword::Run,
        ])],
    }
}

impl Rule for UntrustedRegistry {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let trusted = trusted_registries(checker);
        if trusted.is_empty() {
            return;
        }
        let model = checker.model;
        let mut images: Vec<(ImageRef, TextRange, &str)> = Vec::new();
        if instruction.keyword == Keyword::From {
            let Some(id) = model.id_of(instruction) else {
                return;
            };
            let Some(stage) = model.stages.iter().find(|s| s.from == id) else {
                return;
            };
            if let Some(image) = base_image(model, stage) {
                images.push((image, stage.base_range, "FROM"));
            }
        } else {
            for reference in from_references(model, checker.source, instruction) {
                if reference.target != FromTarget::Image {
                    continue;
                }
                let Some(value) = expand_word(model, reference.id, &reference.written) else {
                    continue;
                };
                if value.eq_ignore_ascii_case("context") {
                    continue;
                }
                let what = match instruction.keyword {
                    Keyword::Run => "RUN --mount",
                    _ => "COPY --from",
                };
                images.push((
                    ImageRef::parse(&value, reference.range),
                    reference.range,
                    what,
                ));
            }
        }
        for (image, range, what) in images {
            let registry = image.registry.as_deref().unwrap_or("docker.io");
            if is_trusted(&trusted, &image) {
                continue;
            }
            let message = format!(
                "Use only an allowed registry in the {what} image: `{}` comes from `{registry}`, \
                 which is not one of the trusted registries ({})",
                image.text,
                trusted
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            checker.report(range, message);
        }
    }
}

/// The trusted registries: the rule's `trusted-registries` option, else the settings'.
fn trusted_registries(checker: &Checker<'_>) -> Vec<String> {
    let option = checker
        .options()
        .and_then(|options| options.get("trusted-registries"))
        .and_then(|value| value.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        });
    option.unwrap_or_else(|| checker.settings.trusted_registries.clone())
}

/// Whether `image` comes from a trusted registry.
fn is_trusted(trusted: &[String], image: &ImageRef) -> bool {
    let allows = |registry: &str| trusted.iter().any(|entry| matches(entry, registry));
    let hub = image.is_docker_hub()
        || image
            .registry
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("registry.hub.docker.com"));
    match image.registry.as_deref() {
        Some(registry) if !hub => allows(registry),
        written => allows("docker.io") || allows("hub.docker.com") || written.is_some_and(allows),
    }
}

/// hadolint's registry matching: `*` matches anything, `*suffix` a host ending with
/// `suffix`, `prefix*` a host starting with `prefix`, anything else the host itself (host
/// names compared case-insensitively).
fn matches(entry: &str, registry: &str) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    let registry = registry.to_ascii_lowercase();
    if entry == "*" {
        true
    } else if let Some(suffix) = entry.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = entry.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        registry == entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_as_in_hadolint() {
        assert!(matches("*", "ghcr.io"));
        assert!(matches("*.random.com", "foo.random.com"));
        assert!(!matches("*.random.com", "x.com"));
        assert!(matches("registry.example.*", "registry.example.org"));
        assert!(matches("GHCR.io", "ghcr.io"));
        assert!(!matches("ghcr.io", "ghcr.io.evil.com"));
    }

    #[test]
    fn docker_hub_under_every_name() {
        let trusted = vec!["docker.io".to_string()];
        for text in [
            "ubuntu:24.04",
            "zemanlx/ubuntu:18.04",
            "docker.io/zemanlx/ubuntu:18.04",
            "index.docker.io/library/ubuntu",
            "registry.hub.docker.com/library/golang:1.25",
        ] {
            let image = ImageRef::parse(text, TextRange::empty(0));
            assert!(is_trusted(&trusted, &image), "{text}");
        }
        let other = ImageRef::parse("random.com/debian", TextRange::empty(0));
        assert!(!is_trusted(&trusted, &other));
        let hub = vec!["hub.docker.com".to_string()];
        assert!(is_trusted(
            &hub,
            &ImageRef::parse("debian", TextRange::empty(0))
        ));
    }
}
