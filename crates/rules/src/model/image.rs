//! Image references: `registry/repository:tag@digest`.

use plimsoll_parser::TextRange;
use serde::Serialize;

/// A parsed image reference, as written in `FROM` or `COPY --from` after ARG expansion.
///
/// ```
/// use plimsoll_rules::model::ImageRef;
/// use plimsoll_parser::TextRange;
///
/// let image = ImageRef::parse("gcr.io/distroless/static-debian12:nonroot", TextRange::empty(0));
/// assert_eq!(image.registry.as_deref(), Some("gcr.io"));
/// assert_eq!(image.repository, "distroless/static-debian12");
/// assert_eq!(image.tag.as_deref(), Some("nonroot"));
/// assert_eq!(image.short_name(), "static-debian12");
///
/// let go = ImageRef::parse("docker.io/library/golang:1.23.4-alpine", TextRange::empty(0));
/// assert_eq!(go.docker_hub_name(), Some("golang"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    /// The reference after variable expansion.
    pub text: String,
    /// The registry host (`gcr.io`, `localhost:5000`) when one is written.
    pub registry: Option<String>,
    /// The repository path without registry (`golang`, `library/golang`,
    /// `distroless/static`), lowercase as written.
    pub repository: String,
    /// The tag, when written.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), when written.
    pub digest: Option<String>,
    /// Where the reference is written in the file.
    pub range: TextRange,
    /// Whether the reference came from an ARG (it was written with `$`).
    pub from_variable: bool,
}

impl ImageRef {
    /// Parses `text` (already expanded); `range` is where it is written.
    pub fn parse(text: &str, range: TextRange) -> ImageRef {
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_string())),
            None => (text, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_string()),
            ),
            None => (name, None),
        };
        let (registry, repository) = match path.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), rest.to_string())
            }
            _ => (None, path.to_string()),
        };
        ImageRef {
            text: text.to_string(),
            registry,
            repository,
            tag,
            digest,
            range,
            from_variable: false,
        }
    }

    /// The last path component of the repository: `golang`, `static-debian12`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// Whether the image is on Docker Hub (no registry, or `docker.io`/`index.docker.io`/
    /// `registry-1.docker.io`).
    pub fn is_docker_hub(&self) -> bool {
        matches!(
            self.registry.as_deref(),
            None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io")
        )
    }

    /// The Docker Hub name without `library/`: `golang` for `golang`, `library/golang` and
    /// `docker.io/library/golang`; `bitnami/redis` stays. `None` for other registries.
    pub fn docker_hub_name(&self) -> Option<&str> {
        if !self.is_docker_hub() {
            return None;
        }
        Some(
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository),
        )
    }

    /// Whether this is the Docker Hub official image `name` (`golang`, `alpine`, …).
    pub fn is_official(&self, name: &str) -> bool {
        self.docker_hub_name() == Some(name)
    }

    /// Whether the reference pins a version: a digest, or a tag other than `latest`.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some() || self.tag.as_deref().is_some_and(|t| t != "latest")
    }
}
