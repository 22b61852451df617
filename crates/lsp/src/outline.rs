//! Document symbols (the stages and their instructions) and folding ranges.

use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};
use plimsoll_rules::SemanticModel;

/// A node of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineNode {
    /// Its title.
    pub name: String,
    /// A short description.
    pub detail: Option<String>,
    /// Whether it is a stage (else an instruction or a global ARG).
    pub is_stage: bool,
    /// What it covers.
    pub range: TextRange,
    /// What to select when it is picked.
    pub selection: TextRange,
    /// Its instructions.
    pub children: Vec<OutlineNode>,
}

/// The outline: global ARGs, then one node per stage with its instructions.
pub fn outline(model: &SemanticModel, text: &str) -> Vec<OutlineNode> {
    let mut nodes = Vec::new();
    let first_stage_start = model.stages.first().map_or(usize::MAX, |s| s.from);
    for instruction in model.file.instructions.iter().take(first_stage_start) {
        nodes.push(instruction_node(instruction, text));
    }
    for stage in &model.stages {
        let from = model.instruction(stage.from);
        let last = model.instruction(stage.instructions.end.saturating_sub(1).max(stage.from));
        let base = text
            .get(stage.base_range.as_usize())
            .unwrap_or("")
            .to_string();
        nodes.push(OutlineNode {
            name: stage
                .name
                .clone()
                .unwrap_or_else(|| format!("stage {}", stage.index)),
            detail: Some(format!("FROM {base}")),
            is_stage: true,
            range: from.range.cover(last.range),
            selection: stage.name_range.unwrap_or(from.keyword_range),
            children: stage
                .instructions
                .clone()
                .skip(1)
                .map(|id| instruction_node(model.instruction(id), text))
                .collect(),
        });
    }
    nodes
}

fn instruction_node(instruction: &Instruction, text: &str) -> OutlineNode {
    let keyword = instruction.keyword_text.to_ascii_uppercase();
    let first_line = text
        .get(instruction.range.as_usize())
        .and_then(|t| t.lines().next())
        .unwrap_or("")
        .trim_end_matches('\\')
        .trim_end();
    let mut detail: String = first_line.chars().skip(keyword.chars().count()).collect();
    detail = detail.trim().to_string();
    if detail.chars().count() > 60 {
        detail = detail.chars().take(59).collect::<String>() + "…";
    }
    let name = match (&instruction.keyword, &instruction.args) {
        (Keyword::Arg, Arguments::List(words)) | (Keyword::Expose, Arguments::List(words)) => {
            format!(
                "{keyword} {}",
                words
                    .iter()
                    .map(|w| w.value.split('=').next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        (Keyword::Env | Keyword::Label, Arguments::KeyValues(pairs)) => format!(
            "{keyword} {}",
            pairs
                .iter()
                .map(|p| p.key.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        _ => keyword,
    };
    OutlineNode {
        name,
        detail: (!detail.is_empty()).then_some(detail),
        is_stage: false,
        range: instruction.range,
        selection: instruction.keyword_range,
        children: Vec::new(),
    }
}

/// A foldable region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// Its range.
    pub range: TextRange,
    /// Whether it is a block of comment lines.
    pub is_comment: bool,
}

/// Folding ranges: stages, instructions over several lines (continuations, heredocs) and
/// blocks of comment lines.
pub fn folds(model: &SemanticModel, text: &str) -> Vec<Fold> {
    let spans_lines =
        |range: TextRange| text.get(range.as_usize()).is_some_and(|t| t.contains('\n'));
    let mut out = Vec::new();
    for node in outline(model, text).iter().filter(|n| n.is_stage) {
        if spans_lines(node.range) {
            out.push(Fold {
                range: node.range,
                is_comment: false,
            });
        }
    }
    for instruction in &model.file.instructions {
        if spans_lines(instruction.range) {
            out.push(Fold {
                range: instruction.range,
                is_comment: false,
            });
        }
    }
    let mut block: Option<TextRange> = None;
    for comment in model.file.comments.iter().filter(|c| !c.in_continuation) {
        block = match block {
            Some(open)
                if text
                    .get(open.end as usize..comment.range.start as usize)
                    .is_some_and(|gap| gap.trim().is_empty() && gap.matches('\n').count() == 1) =>
            {
                Some(open.cover(comment.range))
            }
            Some(open) => {
                if spans_lines(open) {
                    out.push(Fold {
                        range: open,
                        is_comment: true,
                    });
                }
                Some(comment.range)
            }
            None => Some(comment.range),
        };
    }
    if let Some(open) = block.filter(|b| spans_lines(*b)) {
        out.push(Fold {
            range: open,
            is_comment: true,
        });
    }
    out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_hold_their_instructions() {
        let text = "# syntax=docker/dockerfile:1\nARG GO=1.23\nFROM golang:${GO} AS build\nRUN go build \\\n  ./...\n\nFROM scratch\nCOPY --from=build /app /app\n";
        let model = SemanticModel::new(plimsoll_parser::parse(text));
        let nodes = outline(&model, text);
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["ARG GO", "build", "stage 1"]);
        assert_eq!(nodes[1].children[0].name, "RUN");
        assert_eq!(nodes[1].children[0].detail.as_deref(), Some("go build"));
        let folds = folds(&model, text);
        assert!(folds
            .iter()
            .any(|f| &text[f.range.as_usize()] == "RUN go build \\\n  ./..."));
        assert!(folds
            .iter()
            .any(|f| text[f.range.as_usize()].starts_with("FROM golang")));
    }
}
