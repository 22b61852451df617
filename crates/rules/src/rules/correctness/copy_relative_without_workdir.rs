use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, InstructionId, SemanticModel};
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::{chain_instructions, stage_chain};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange, Word};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` to a relative destination (`COPY app.py .`) in a stage where
    /// no `WORKDIR` was set, neither before it in the stage nor in the stages it is built
    /// on.
    ///
    /// ## Why
    /// A relative destination is relative to the working directory, which without a
    /// `WORKDIR` is whatever the base image chose: `/` for most images, `/go` for `golang`,
    /// `/var/www/html` for `php`. The files end up in a place the Dockerfile does not show,
    /// and move when the base image changes. An absolute destination, or a `WORKDIR` first,
    /// says where they go.
    ///
    /// Unlike hadolint, which skips every destination starting with `$`, destinations that
    /// use variables are expanded with the `ARG` and `ENV` values in effect (one that uses a
    /// variable without a value is not reported). Also unlike hadolint, `ADD` is checked
    /// too, an `ONBUILD WORKDIR` does not count for the build itself, for `ONBUILD COPY`
    /// any `WORKDIR` of the stage counts (the image that runs the trigger starts in it), and
    /// a stage built on `scratch` without `CMD` or `ENTRYPOINT` is not reported: it only
    /// collects files (for `--output`), and `scratch` starts in `/`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// ```
    ///
    /// ## Fix
    /// When the image the stage is built on starts in `/` (`scratch`, `debian`, `ubuntu`,
    /// `alpine`, `busybox`, `fedora` and other distribution images), the destination is
    /// made absolute (`.` becomes `/`, `app/` becomes `/app/`); this is safe, since it is
    /// where the files went. Otherwise no fix is offered: choosing a `WORKDIR` is up to the
    /// author.
    pub struct CopyRelativeWithoutWorkdir {
        code: "DL3045",
        name: "copy-relative-without-workdir",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy, Keyword::Add])],
    }
}

/// Distribution images (by Docker Hub name) whose working directory is `/`.
const ROOT_WORKDIR_IMAGES: &[&str] = &[
    "alpine",
    "busybox",
    "debian",
    "ubuntu",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "archlinux",
];

impl Rule for CopyRelativeWithoutWorkdir {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let words = match &instruction.args {
            Arguments::List(words) | Arguments::Exec(words) => words,
            _ => return,
        };
        if words.len() < 2 {
            return;
        }
        let Some(dest) = words.last() else {
            return;
        };
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        let in_onbuild = model.instruction(id).keyword == Keyword::Onbuild;
        let written = dest.value.trim_matches(['"', '\'']);
        let Some(value) = model.expand_at(id, written) else {
            return;
        };
        // ENV values can keep their quotes in the model (`ENV DIR="/app"`).
        let value = value.replace(['"', '\''], "");
        if value.is_empty()
            || is_absolute(&value)
            || has_workdir(model, id, in_onbuild)
            || is_export_stage(model, id)
        {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let message = if value == written {
            format!("`{keyword}` to a relative destination without `WORKDIR` set")
        } else {
            format!(
                "`{keyword}` to a relative destination without `WORKDIR` set: `{written}` \
                 resolves to `{value}`"
            )
        };
        let fix = (!in_onbuild && value == written && starts_in_root(model, id))
            .then(|| absolute_fix(checker, dest, &value))
            .flatten();
        let diagnostic = checker.report(dest.range, message);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// `/x`, `\x`, `c:\x`, `c:/x`.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && (bytes[2] == b'\\' || bytes[2] == b'/'))
}

/// Whether a WORKDIR applies at `id`: before it in its stage, or anywhere in a stage it
/// is built on. For an ONBUILD trigger, any WORKDIR of the chain (the image the trigger
/// runs in starts there) or an `ONBUILD WORKDIR` before it.
fn has_workdir(model: &SemanticModel, id: InstructionId, in_onbuild: bool) -> bool {
    let Some(stage) = model.stage_of(id) else {
        return false;
    };
    stage_chain(model, stage)
        .iter()
        .enumerate()
        .any(|(hop, stage)| {
            let end = if hop == 0 && !in_onbuild {
                id
            } else {
                stage.instructions.end
            };
            (stage.instructions.start..end).any(|i| {
                let instruction = model.instruction(i);
                instruction.keyword == Keyword::Workdir
                    || (in_onbuild
                        && hop == 0
                        && i < id
                        && instruction
                            .onbuild_child()
                            .is_some_and(|c| c.keyword == Keyword::Workdir))
            })
        })
}

/// Whether the stage of `id` only collects files: built on `scratch` (which starts in `/`)
/// with no `CMD` or `ENTRYPOINT`, as stages exported with `--output` are.
fn is_export_stage(model: &SemanticModel, id: InstructionId) -> bool {
    let Some(stage) = model.stage_of(id) else {
        return false;
    };
    if stage.root_base(model) != &BaseImage::Scratch {
        return false;
    }
    let chain = stage_chain(model, stage);
    !chain_instructions(model, &chain)
        .iter()
        .any(|i| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint))
}

/// Whether the stage of `id` is built on an image known to start in `/`.
fn starts_in_root(model: &SemanticModel, id: InstructionId) -> bool {
    let Some(stage) = model.stage_of(id) else {
        return false;
    };
    match stage.root_base(model) {
        BaseImage::Scratch => true,
        BaseImage::Image(image) => image
            .docker_hub_name()
            .is_some_and(|name| ROOT_WORKDIR_IMAGES.contains(&name)),
        _ => false,
    }
}

/// Makes the destination absolute: `.` and `./` become `/`, `./x` becomes `/x`, `x`
/// becomes `/x`.
fn absolute_fix(checker: &Checker<'_>, dest: &Word, value: &str) -> Option<Fix> {
    let text = checker.text(dest.range);
    let quote = usize::from(text.starts_with(['"', '\'']));
    let inner = text.get(quote..text.len() - quote)?;
    if inner != value {
        return None;
    }
    let start = dest.range.start + quote as u32;
    let edit = if value == "." || value == "./" {
        Edit::replace(TextRange::new(start, start + value.len() as u32), "/")
    } else if value.starts_with("./") {
        Edit::replace(TextRange::new(start, start + 2), "/")
    } else {
        Edit::insert(start, "/")
    };
    Some(Fix::safe(
        "Make the destination absolute (the image starts in `/`)",
        vec![edit],
    ))
}
