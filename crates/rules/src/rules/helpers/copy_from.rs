//! What `COPY --from=…` and `RUN --mount=…,from=…` refer to, as BuildKit resolves them:
//! a stage by index or name, the build context, or an image.

use super::docker_hub::is_official_image;
use super::expansion::{expand_word, is_onbuild_trigger};
use crate::model::{InstructionId, SemanticModel, Stage};
use plimsoll_parser::{Instruction, Keyword, TextRange};

/// A `from` reference of an instruction.
pub(crate) struct FromReference {
    /// The instruction.
    pub(crate) id: InstructionId,
    /// Where the reference is written (the flag's value for `COPY`, the `from=` value of a
    /// mount).
    pub(crate) range: TextRange,
    /// As written.
    pub(crate) written: String,
    /// How the reference is introduced: `--from` (COPY) or `from` (a mount's field).
    pub(crate) key: &'static str,
    /// What it refers to.
    pub(crate) target: FromTarget,
}

/// What a `from` reference refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FromTarget {
    /// A stage defined before the instruction's stage.
    Earlier(usize),
    /// The instruction's own stage.
    Own(usize),
    /// A stage defined after the instruction's stage.
    Later(usize),
    /// A stage index with no stage (`--from=5` in a file of 3 stages).
    NoSuchIndex(usize),
    /// An image: a reference with a registry, a path, a tag or a digest, or the bare name of
    /// a Docker Hub official image; or the build context (`context`).
    Image,
    /// A bare name that is neither a stage nor an official image: BuildKit pulls
    /// `docker.io/library/NAME`, which does not exist (unless the build names a build context
    /// so).
    NotFound(String),
    /// Not known: a variable without a value, or stages named with variables.
    Unknown,
}

/// The `from` references of an instruction of the file (not of ONBUILD, whose stage is not
/// known): `COPY --from=…` and every `RUN --mount=…,from=…`.
pub(crate) fn from_references(
    model: &SemanticModel,
    source: &str,
    instruction: &Instruction,
) -> Vec<FromReference> {
    let Some(id) = model.id_of(instruction) else {
        return Vec::new();
    };
    let Some(stage) = model.stage_of(id) else {
        return Vec::new();
    };
    if is_onbuild_trigger(model, instruction) {
        return Vec::new();
    }
    let mut written: Vec<(String, TextRange)> = Vec::new();
    let key = if instruction.keyword == Keyword::Run {
        "from"
    } else {
        "--from"
    };
    match instruction.keyword {
        Keyword::Copy | Keyword::Add => {
            if let Some(flag) = instruction.flag("from") {
                if let (Some(value), Some(range)) = (&flag.value, flag.value_range) {
                    written.push((value.clone(), range));
                }
            }
        }
        Keyword::Run => {
            for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
                let Some(range) = flag.value_range else {
                    continue;
                };
                if let Some(found) = mount_from(source, range) {
                    written.push(found);
                }
            }
        }
        _ => {}
    }
    written
        .into_iter()
        .map(|(text, range)| FromReference {
            id,
            range,
            target: resolve(model, stage, id, &text),
            written: text,
            key,
        })
        .collect()
}

/// The `from=` field of a mount written at `range`: its value (quotes around the whole
/// mount left out) and where the value is.
fn mount_from(source: &str, range: TextRange) -> Option<(String, TextRange)> {
    let text = source.get(range.as_usize())?;
    let mut offset = 0;
    for field in text.split(',') {
        let start = offset;
        offset += field.len() + 1;
        let Some((key, value)) = field.split_once('=') else {
            continue;
        };
        if !key
            .trim()
            .trim_start_matches(['"', '\''])
            .eq_ignore_ascii_case("from")
        {
            continue;
        }
        let value_start = start + key.len() + 1;
        let trimmed = value.trim().trim_end_matches(['"', '\'']);
        let lead = value.len() - value.trim_start().len();
        let begin = range.start as usize + value_start + lead;
        return Some((
            trimmed.to_string(),
            TextRange::from_usize(begin, begin + trimmed.len()),
        ));
    }
    None
}

/// Resolves `written` (a `from` value of instruction `id` in `stage`) as BuildKit does: an
/// integer is a stage index, anything else a stage name (case-insensitive), the build
/// context or an image.
fn resolve(model: &SemanticModel, stage: &Stage, id: InstructionId, written: &str) -> FromTarget {
    let Some(value) = expand_word(model, id, written) else {
        return FromTarget::Unknown;
    };
    if value.is_empty() {
        return FromTarget::Unknown;
    }
    if let Ok(index) = value.parse::<usize>() {
        return match index {
            i if i >= model.stages.len() => FromTarget::NoSuchIndex(i),
            i if i == stage.index => FromTarget::Own(i),
            i if i > stage.index => FromTarget::Later(i),
            i => FromTarget::Earlier(i),
        };
    }
    let name = value.to_ascii_lowercase();
    let named = |s: &&Stage| s.name.as_deref() == Some(name.as_str());
    let before = model.stages.get(..stage.index).unwrap_or(&[]);
    let after = model.stages.get(stage.index + 1..).unwrap_or(&[]);
    if let Some(earlier) = before.iter().rev().find(named) {
        return FromTarget::Earlier(earlier.index);
    }
    if stage.name.as_deref() == Some(name.as_str()) {
        return FromTarget::Own(stage.index);
    }
    if let Some(later) = after.iter().find(named) {
        return FromTarget::Later(later.index);
    }
    if model
        .stages
        .iter()
        .any(|s| s.name.as_deref().is_some_and(|n| n.contains('$')))
    {
        return FromTarget::Unknown;
    }
    if name == "context" || name.contains(['/', ':', '@']) || is_official_image(&name) {
        return FromTarget::Image;
    }
    FromTarget::NotFound(value)
}
