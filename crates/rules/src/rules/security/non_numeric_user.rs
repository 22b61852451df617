use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::accounts::{created_id, AccountKind, CreatedId};
use crate::rules::helpers::expansion::expand_word;
use crate::rules::helpers::images::is_windows_image;
use crate::rules::helpers::shells::shell_at;
use crate::rules::helpers::stages::{runs_in, stage_chain};
use plimsoll_parser::{Arguments, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a final stage whose last `USER` names the user (`app`, `nonroot:nonroot`)
    /// rather than giving its numeric ID (`1001`, `65532:65532`), including a `USER`
    /// inherited from the stage it is built on. Only the user part is judged: `1001:app`
    /// is not reported.
    ///
    /// ## Why
    /// The user a container runs as is stored in the image as written. A name is only
    /// resolved when the container starts, with the image's own `/etc/passwd`, which the
    /// host cannot read: Kubernetes refuses to start a pod with `runAsNonRoot: true` when the
    /// image's user is a name ("image has non-numeric user, cannot verify user is
    /// non-root"), and files on volumes are owned by IDs, not names. A numeric `USER` says
    /// who the container runs as to everyone.
    ///
    /// hadolint reports every `USER` with a name; Plimsoll only reports the one the image
    /// runs as, the last of the final stage: the `USER root` a build switches to for
    /// installing packages is resolved by the builder, which reads the image's own files. A
    /// `USER` given by a variable is judged by the variable's value (`USER ${UID}` with
    /// `ARG UID=1000` is numeric), and stays unreported when the Dockerfile gives none.
    /// Windows images, whose users have no numeric IDs, are not checked.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm-slim
    /// RUN useradd --create-home --uid 1001 app
    /// USER app
    /// CMD ["/bin/bash"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm-slim
    /// RUN useradd --create-home --uid 1001 app
    /// USER 1001
    /// CMD ["/bin/bash"]
    /// ```
    ///
    /// ## Fix
    /// `root` becomes `0` (safe: uid 0 is root on every Linux system, and the container
    /// runs as the same user). A user or group that the Dockerfile creates with an explicit
    /// ID (`useradd -u 1001 app`, `addgroup -g 1001 app`) becomes that ID (unsafe: the
    /// container runs as the same user, but only as long as the `RUN` that creates it keeps
    /// that ID). No fix is offered for other names, whose ID only the base image knows, for
    /// an ID given by a variable (`useradd -u ${APP_UID}`, which a build argument may
    /// change), nor for a `USER` written with variables.
    pub struct NonNumericUser {
        code: "DL3066",
        name: "non-numeric-user",
        category: Security,
        severity: Info,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for NonNumericUser {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        let Some(user) = &stage.user else {
            return;
        };
        if is_windows(checker, stage) {
            return;
        }
        let instruction = model.instruction(user.instruction);
        let Arguments::Text(word) = &instruction.args else {
            return;
        };
        let Some(value) = expand_word(model, user.instruction, &word.value) else {
            return;
        };
        let (name, group) = match value.split_once(':') {
            Some((name, group)) => (name, Some(group)),
            None => (value.as_str(), None),
        };
        if name.is_empty() || is_numeric(name) {
            return;
        }
        let written = checker.text(word.range);
        // The exact places of the user and group parts, when the value is written as is.
        let literal = written == value && !written.contains(['$', '"', '\'', '\\']);
        let name_range = TextRange::new(word.range.start, word.range.start + name.len() as u32);
        let shown = if literal || written == value {
            String::new()
        } else {
            format!(" (`{written}`)")
        };
        let chain = stage_chain(model, stage);
        let indices: Vec<usize> = chain.iter().map(|s| s.index).collect();
        let id_of = |kind: AccountKind, account: &str| -> Option<CreatedId> {
            if account == "root" {
                return Some(CreatedId {
                    id: 0,
                    from_variable: false,
                });
            }
            created_id(model, runs_in(model, &indices), kind, account)
        };
        let uid = id_of(AccountKind::User, name);
        let hint = match uid {
            Some(CreatedId { id: 0, .. }) => " (its UID is `0`)".to_string(),
            Some(CreatedId { id, .. }) => format!(" (its UID is `{id}`, set by the Dockerfile)"),
            None => String::new(),
        };
        let message = format!(
            "Non-numeric user-id may not be resolvable by host system: the image runs as \
             `{name}`{shown}, a name only the image's `/etc/passwd` resolves{hint}"
        );
        let range = if literal { name_range } else { word.range };
        let inherited = model
            .stage_of(user.instruction)
            .filter(|s| s.index != stage.index);
        let from = model.instruction(stage.from).range;
        let diagnostic = checker.report(range, message);
        if inherited.is_some() {
            diagnostic.add_related(from, "the final stage is built on the stage that sets it");
        }
        // An ID written with a variable follows the build arguments, a number would not.
        let Some(uid) = uid.filter(|created| literal && !created.from_variable) else {
            return;
        };
        let mut edits = vec![Edit::replace(name_range, uid.id.to_string())];
        let mut safe = name == "root";
        let (mut before, mut after) = (name.to_string(), uid.id.to_string());
        if let Some(group) = group.filter(|g| !g.is_empty() && !is_numeric(g)) {
            if let Some(gid) = id_of(AccountKind::Group, group).filter(|g| !g.from_variable) {
                let start = name_range.end + 1;
                let group_range = TextRange::new(start, start + group.len() as u32);
                edits.push(Edit::replace(group_range, gid.id.to_string()));
                safe &= group == "root";
                before = value.clone();
                after = format!("{}:{}", uid.id, gid.id);
            }
        }
        let title = format!("Replace `{before}` with `{after}`");
        diagnostic.set_fix(if safe {
            Fix::safe(title, edits)
        } else {
            Fix::unsafe_edit(title, edits)
        });
    }
}

/// Whether `text` is a number: a numeric user or group ID.
fn is_numeric(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the stage runs Windows, whose users have no numeric IDs.
fn is_windows(checker: &Checker<'_>, stage: &Stage) -> bool {
    let model = checker.model;
    let windows_base = match stage.root_base(model) {
        BaseImage::Image(image) => is_windows_image(image),
        _ => false,
    };
    let last = stage.instructions.end.saturating_sub(1);
    windows_base || shell_at(model, last).is_windows_shell()
}
