//! Stages and the stages they are built on, and what a Dockerfile is for.

use crate::model::{BaseImage, InstructionId, RunScript, SemanticModel, Stage};
use plimsoll_parser::{Instruction, Keyword, TextRange};

/// The stage and the stages it is built on (`FROM build AS test`), the stage itself first.
pub(crate) fn stage_chain<'m>(model: &'m SemanticModel, stage: &'m Stage) -> Vec<&'m Stage> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let BaseImage::Stage(parent) = current.base {
        match model.stages.get(parent) {
            Some(parent) if parent.index < current.index && chain.len() <= model.stages.len() => {
                chain.push(parent);
                current = parent;
            }
            _ => break,
        }
    }
    chain
}

/// [`stage_chain`] by index: the stage and the stages it is built on, nearest first.
pub(crate) fn chain_indices(model: &SemanticModel, stage: usize) -> Vec<usize> {
    match model.stages.get(stage) {
        Some(stage) => stage_chain(model, stage).iter().map(|s| s.index).collect(),
        None => vec![stage],
    }
}

/// Where the stage's base image is written, or its whole FROM when it names none.
pub(crate) fn base_range(model: &SemanticModel, stage: &Stage) -> TextRange {
    if stage.base_range.is_empty() {
        model.instruction(stage.from).range
    } else {
        stage.base_range
    }
}

/// Whether `stage` is `ancestor` or is built on it.
pub(crate) fn builds_on(model: &SemanticModel, stage: &Stage, ancestor: &Stage) -> bool {
    stage_chain(model, stage)
        .iter()
        .any(|s| s.index == ancestor.index)
}

/// Whether what `stage` builds ends up in the image: it is the final stage or one the
/// final stage is built on.
pub(crate) fn ends_up_in_image(model: &SemanticModel, stage: &Stage) -> bool {
    model
        .final_stage()
        .is_some_and(|last| builds_on(model, last, stage))
}

/// The instructions of a chain of stages (as given by [`stage_chain`]), in build order:
/// the first parent's first.
pub(crate) fn chain_instructions<'m>(
    model: &'m SemanticModel,
    chain: &[&'m Stage],
) -> Vec<&'m Instruction> {
    chain
        .iter()
        .rev()
        .flat_map(|stage| {
            model
                .file
                .instructions
                .get(stage.instructions.clone())
                .unwrap_or(&[])
        })
        .collect()
}

/// The RUN scripts of the stages with these indexes.
pub(crate) fn runs_in<'a>(
    model: &'a SemanticModel,
    stages: &'a [usize],
) -> impl Iterator<Item = &'a RunScript> + 'a {
    model
        .runs
        .iter()
        .filter(move |run| stages.contains(&run.stage))
}

/// The id and the stage of a RUN given to a rule; `None` for ONBUILD's nested RUN, whose
/// stage is not known.
pub(crate) fn run_and_stage<'m>(
    model: &'m SemanticModel,
    instruction: &Instruction,
) -> Option<(InstructionId, &'m Stage)> {
    let id = model.id_of(instruction)?;
    if model.instruction(id).keyword != Keyword::Run {
        return None;
    }
    Some((id, model.stage_of(id)?))
}

/// Words of a Dockerfile's path, or of its final stage's name, that mark an image built
/// only for development, tests or CI.
const DEV_AND_TEST_WORDS: &[&str] = &[
    "devcontainer",
    "dev",
    "devel",
    "develop",
    "development",
    "debug",
    "tilt",
    "hack",
    "ci",
    "test",
    "tests",
    "testing",
    "testdata",
    "testfiles",
    "e2e",
    "integration",
    "integrationtest",
    "fuzz",
    "coverage",
    "builder",
    "eng",
];

/// Whether `text`, a Dockerfile's path or a stage's name, has a word of
/// [`DEV_AND_TEST_WORDS`] or of `more` (split on everything but letters and digits, in any
/// case): the image is built for development, tests or CI.
pub(crate) fn is_dev_or_test(text: &str, more: &[&str]) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .any(|w| DEV_AND_TEST_WORDS.contains(&w.as_str()) || more.contains(&w.as_str()))
}
