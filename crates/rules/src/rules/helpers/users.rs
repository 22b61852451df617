//! Who an image runs as.

use super::commands::{command_lines, ExecForm};
use super::images::is_windows_image;
use crate::model::BaseImage;
use plimsoll_parser::shell::basename;
use plimsoll_parser::{Instruction, Keyword};

/// Who a base image runs as when the Dockerfile sets no `USER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefaultUser {
    /// Root.
    Root,
    /// A non-root user, set by the image.
    NonRoot,
    /// Root, but the image's entrypoint switches to a service user.
    DropsPrivileges,
    /// Not known (a variable, a Windows image, an image whose user varies).
    Unknown,
}

/// Images on Docker Hub that set a non-root `USER` themselves.
const NON_ROOT_HUB_IMAGES: &[&str] = &[
    "jenkins/jenkins",
    "jenkins/inbound-agent",
    "jenkins/agent",
    "jenkins/ssh-agent",
    "sonarqube",
    "grafana/grafana",
    "grafana/grafana-oss",
    "grafana/grafana-enterprise",
    "elasticsearch",
    "kibana",
    "logstash",
    "memcached",
    "haproxy",
    "solr",
];

/// Official images whose entrypoint starts as root and switches to a service user.
const PRIVILEGE_DROPPING_IMAGES: &[&str] = &[
    "postgres",
    "mysql",
    "mariadb",
    "percona",
    "redis",
    "mongo",
    "rabbitmq",
    "couchdb",
    "cassandra",
    "influxdb",
    "zookeeper",
    "neo4j",
    "vault",
    "hashicorp/vault",
    "consul",
    "hashicorp/consul",
    "eclipse-mosquitto",
];

/// Who `base` runs as by default.
pub(crate) fn default_user(base: &BaseImage) -> DefaultUser {
    let image = match base {
        BaseImage::Scratch => return DefaultUser::Root,
        BaseImage::Image(image) => image,
        BaseImage::Stage(_) | BaseImage::Unresolved(_) => return DefaultUser::Unknown,
    };
    if is_windows_image(image) {
        return DefaultUser::Unknown;
    }
    let repository = image.repository.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let registry = image.registry.as_deref().unwrap_or("").to_ascii_lowercase();
    let hub = image.docker_hub_name().map(str::to_ascii_lowercase);
    let hub = hub.as_deref();
    if ["nonroot", "rootless", "unprivileged"]
        .iter()
        .any(|w| tag.contains(w) || repository.contains(w))
    {
        return DefaultUser::NonRoot;
    }
    if registry == "cgr.dev" || hub.is_some_and(|h| h.starts_with("chainguard/")) {
        if tag.ends_with("-dev") || tag == "dev" || repository.ends_with("wolfi-base") {
            return DefaultUser::Unknown;
        }
        return DefaultUser::NonRoot;
    }
    if hub.is_some_and(|h| h.starts_with("bitnami/") && h != "bitnami/minideb") {
        return DefaultUser::NonRoot;
    }
    if registry == "mcr.microsoft.com"
        && repository.starts_with("dotnet/")
        && (tag.contains("chiseled") || tag.contains("distroless"))
    {
        return DefaultUser::NonRoot;
    }
    if registry == "docker.elastic.co" {
        return DefaultUser::NonRoot;
    }
    let prometheus = hub.is_some_and(|h| h.starts_with("prom/"))
        || (registry == "quay.io" && repository.starts_with("prometheus/"));
    if prometheus && !repository.ends_with("busybox") && !repository.contains("busybox-") {
        return DefaultUser::NonRoot;
    }
    let jupyter = hub.is_some_and(|h| h.starts_with("jupyter/"))
        || (registry == "quay.io" && repository.starts_with("jupyter/"));
    if jupyter || hub.is_some_and(|h| h.starts_with("selenium/")) {
        return DefaultUser::NonRoot;
    }
    if let Some(hub) = hub {
        if NON_ROOT_HUB_IMAGES.contains(&hub) {
            return DefaultUser::NonRoot;
        }
        if PRIVILEGE_DROPPING_IMAGES.contains(&hub) {
            return DefaultUser::DropsPrivileges;
        }
    }
    DefaultUser::Root
}

/// Words that show a Dockerfile dropping root without `USER`.
const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "chpst",
    "setuidgid",
    "s6-overlay",
    "supervisord",
    "systemd",
];

/// Programs that need root to do their job: init systems and container engines.
const NEEDS_ROOT: &[&str] = &[
    "init",
    "systemd",
    "dockerd",
    "dockerd-entrypoint.sh",
    "dind",
    "buildkitd",
    "containerd",
    "kubelet",
    "podman",
    "buildah",
    "executor",
];

/// Whether the Dockerfile drops root itself, or runs a program that needs root.
pub(crate) fn drops_or_needs_root(
    instructions: &[&Instruction],
    entrypoint: Option<&Instruction>,
    cmd: Option<&Instruction>,
) -> bool {
    let mentions = instructions.iter().any(|i| {
        matches!(
            i.keyword,
            Keyword::Run | Keyword::Entrypoint | Keyword::Cmd | Keyword::Copy | Keyword::Add
        ) && PRIVILEGE_DROPPERS.iter().any(|w| i.original.contains(w))
    });
    let needs_root = [entrypoint, cmd].into_iter().flatten().any(|i| {
        command_lines(i, ExecForm::AsWritten)
            .iter()
            .flatten()
            .any(|word| {
                let name = basename(word);
                NEEDS_ROOT.contains(&name) && (name != "executor" || word.contains("kaniko"))
            })
    });
    mentions || needs_root
}
