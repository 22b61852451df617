use crate::checker::Checker;
use crate::declare_rule;
use crate::model::BaseImage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::images::is_windows_image;
use crate::rules::helpers::stages::{chain_instructions, stage_chain};
use crate::rules::helpers::users::{default_user, DefaultUser};
use plimsoll_parser::{Arguments, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE` of a port below 1024 in the final stage (or a stage it is built
    /// on) when the container runs as a non-root user: the stage's last `USER` is not
    /// root, or it sets none and its base image is known to run as non-root (distroless
    /// `:nonroot`, Chainguard, Bitnami, … as listed in `PL401`).
    ///
    /// Ports are read as `EXPOSE` takes them (`80`, `80/tcp`, `80-90`); a port given by a
    /// variable without a value is skipped. Only the final stage is looked at: it is the
    /// image `docker build` produces, and the user it runs as is the one in effect at its
    /// end, wherever `EXPOSE` is written. The rule stays silent when a `RUN` (in any
    /// stage: `COPY --from` keeps file capabilities) grants `cap_net_bind_service` with
    /// `setcap`, or uses `authbind`.
    ///
    /// ## Why
    /// On Linux, binding a port below 1024 needs root or the `CAP_NET_BIND_SERVICE`
    /// capability, unless the kernel setting `net.ipv4.ip_unprivileged_port_start` is
    /// lowered in the container's network namespace. Docker Engine lowers it to 0 for its
    /// containers, but other runtimes and orchestrators do not all do so, so a non-root
    /// server told to listen on port 80 may fail with "permission denied" once deployed.
    /// Listening on a port above 1023 (8080, 8443) and mapping it at run time works
    /// everywhere.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// USER nginx
    /// EXPOSE 80
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginxinc/nginx-unprivileged:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// ## Fix
    /// None: the program's configuration must change to listen on another port.
    pub struct PrivilegedPortNonRoot {
        code: "PL403",
        name: "privileged-port-non-root",
        category: Security,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for PrivilegedPortNonRoot {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        let base = stage.root_base(model);
        if let BaseImage::Image(image) = base {
            if is_windows_image(image) {
                return;
            }
        }
        if matches!(base, BaseImage::Unresolved(_)) {
            return;
        }
        let user_note = match &stage.user {
            Some(user) => {
                if user.is_root() || user.value.contains('$') || user.value.trim().is_empty() {
                    return;
                }
                (
                    format!("user `{}`", user.value),
                    Some(model.instruction(user.instruction).range),
                )
            }
            None => match (default_user(base), base) {
                (DefaultUser::NonRoot, BaseImage::Image(image)) => (
                    format!("the non-root default user of `{}`", image.text),
                    None,
                ),
                _ => return,
            },
        };
        let chain = stage_chain(model, stage);
        let instructions = chain_instructions(model, &chain);
        // The capability may be granted in a build stage and kept by COPY --from.
        let capable = model.file.instructions.iter().any(|i| {
            i.keyword == Keyword::Run
                && (i
                    .original
                    .to_ascii_lowercase()
                    .contains("cap_net_bind_service")
                    || i.original.contains("authbind"))
        });
        if capable {
            return;
        }
        let mut findings: Vec<(TextRange, String)> = Vec::new();
        for instruction in instructions.iter().filter(|i| i.keyword == Keyword::Expose) {
            let Arguments::List(words) = &instruction.args else {
                continue;
            };
            let Some(id) = model.id_of(instruction) else {
                continue;
            };
            for word in words {
                let Some(value) = model.expand_at(id, &word.value) else {
                    continue;
                };
                for part in value.split_whitespace() {
                    if let Some(port) = privileged_port(part) {
                        findings.push((
                            word.range,
                            format!(
                                "Port {port} is below 1024 but the container runs as {}: \
                                 binding it fails without CAP_NET_BIND_SERVICE, unless the \
                                 runtime lowers `net.ipv4.ip_unprivileged_port_start`",
                                user_note.0
                            ),
                        ));
                        break;
                    }
                }
            }
        }
        for (range, message) in findings {
            let diagnostic = checker.report(range, message);
            if let Some(user_range) = user_note.1 {
                diagnostic.add_related(user_range, "the user is set here");
            }
        }
    }
}

/// The first port below 1024 of an `EXPOSE` entry (`80`, `80/tcp`, `80-90/udp`).
fn privileged_port(entry: &str) -> Option<u32> {
    let ports = entry.split('/').next()?;
    let first = match ports.split_once('-') {
        Some((start, _)) => start,
        None => ports,
    };
    let port: u32 = first.trim().parse().ok()?;
    (port > 0 && port < 1024).then_some(port)
}
