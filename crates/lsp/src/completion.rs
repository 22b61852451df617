//! Completion: instructions, flags, stage names, variables and rule codes in suppression
//! comments.

use crate::document::Analysis;
use crate::hover::instruction_at;
use crate::instruction_docs::{instruction_doc, INSTRUCTIONS};
use crate::symbols::{declared_variables, name_length};
use plimsoll_parser::{flags_of, Keyword, TextRange};
use plimsoll_rules::all_metas;
use plimsoll_rules::model::InstructionId;

/// What a completion item inserts and how it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Shown in the list.
    pub label: String,
    /// Inserted over [`Completions::replace`].
    pub insert: String,
    /// What kind of thing it is.
    pub kind: CandidateKind,
    /// One line shown beside the label.
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
}

/// The kinds of candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    /// An instruction keyword.
    Instruction,
    /// A flag.
    Flag,
    /// A build stage.
    Stage,
    /// A build argument or environment variable.
    Variable,
    /// A rule code.
    Rule,
    /// A keyword such as `AS`.
    Keyword,
}

/// The candidates at a position and the range they replace.
#[derive(Debug, Default)]
pub struct Completions {
    /// The text typed so far that a candidate replaces.
    pub replace: TextRange,
    /// The candidates.
    pub candidates: Vec<Candidate>,
}

/// The completions at `offset` of `text`.
pub fn complete(analysis: &Analysis, text: &str, offset: u32) -> Completions {
    let offset = (offset as usize).min(text.len());
    let Some(before) = text.get(..offset) else {
        return Completions::default();
    };
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let line = &before[line_start..];
    let trimmed = line.trim_start();

    if trimmed.starts_with('#') {
        return comment_completions(line, offset);
    }
    let model = &analysis.model;
    let instruction = instruction_at(&model.file.instructions, offset as u32).filter(|(_, i)| {
        (i.range.start as usize) < offset
            || i.range.start as usize == line_start + (line.len() - trimmed.len())
    });
    let starts_instruction = match instruction {
        Some((_, i)) => i.range.start as usize >= line_start,
        None => true,
    };
    let word_start = offset - line.len() + line.trim_end_matches(is_word_char).len();
    let word = TextRange::from_usize(word_start, offset);

    // `$NAME` / `${NAME`
    let name_start = offset
        - before
            .bytes()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count();
    let before_name = &before[..name_start];
    if before_name.ends_with('$') || before_name.ends_with("${") {
        let id = instruction.map(|(id, _)| id);
        return Completions {
            replace: TextRange::from_usize(name_start, offset),
            candidates: variable_candidates(analysis, text, id),
        };
    }

    // The instruction keyword.
    if starts_instruction && trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
        return Completions {
            replace: word,
            candidates: INSTRUCTIONS
                .iter()
                .map(|doc| {
                    let name = doc.keyword.as_str().to_ascii_uppercase();
                    Candidate {
                        insert: format!("{name} "),
                        label: name,
                        kind: CandidateKind::Instruction,
                        detail: doc.syntax.lines().next().map(String::from),
                        documentation: Some(doc.markdown()),
                    }
                })
                .collect(),
        };
    }

    let Some((id, instruction)) = instruction else {
        return Completions::default();
    };
    let instruction = match instruction.onbuild_child() {
        Some(child) if child.keyword_range.start as usize <= offset => child,
        _ => instruction,
    };
    let current_stage = model.stage_of(id).map_or(0, |s| s.index);
    let earlier_stages = |replace: TextRange| Completions {
        replace,
        candidates: model
            .stages
            .iter()
            .filter(|s| s.index < current_stage)
            .filter_map(|s| {
                let name = s.name.clone()?;
                Some(Candidate {
                    insert: name.clone(),
                    label: name,
                    kind: CandidateKind::Stage,
                    detail: Some(format!("build stage {}", s.index)),
                    documentation: None,
                })
            })
            .collect(),
    };

    // `--from=` and `--mount=…from=`
    let value_start = offset
        - before
            .bytes()
            .rev()
            .take_while(|c| !matches!(c, b'=' | b',' | b' ' | b'\t'))
            .count();
    let before_value = &before[..value_start];
    if (instruction.keyword == Keyword::Copy || instruction.keyword == Keyword::Add)
        && before_value.ends_with("--from=")
        || instruction.keyword == Keyword::Run
            && before_value.ends_with("from=")
            && before_value.contains("--mount=")
    {
        return earlier_stages(TextRange::from_usize(value_start, offset));
    }

    // Flags, before the arguments.
    let args_start = instruction.args_file_range().start as usize;
    let in_flags = instruction
        .flags
        .iter()
        .any(|f| f.range.touches(offset as u32))
        || offset <= args_start
        || instruction.args_file_range().is_empty();
    let flag_start = offset
        - before
            .bytes()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
            .count();
    if in_flags && before[flag_start..].starts_with("--") {
        let given: Vec<&str> = instruction
            .flags
            .iter()
            .filter(|f| !f.range.touches(offset as u32))
            .map(|f| f.name.as_str())
            .collect();
        let doc = instruction_doc(instruction.keyword);
        return Completions {
            replace: TextRange::from_usize(flag_start, offset),
            candidates: flags_of(instruction.keyword)
                .into_iter()
                .filter(|flag| {
                    !given.contains(flag) || matches!(*flag, "mount" | "exclude" | "device")
                })
                .map(|flag| Candidate {
                    label: format!("--{flag}"),
                    insert: format!("--{flag}="),
                    kind: CandidateKind::Flag,
                    detail: None,
                    documentation: doc.and_then(|d| d.flag(flag)).map(String::from),
                })
                .collect(),
        };
    }

    if instruction.keyword == Keyword::From {
        let after_keyword = text
            .get(instruction.keyword_range.end as usize..offset)
            .unwrap_or("");
        let words: Vec<&str> = after_keyword
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let typing = !after_keyword.ends_with(char::is_whitespace);
        let position = if typing {
            words.len().saturating_sub(1)
        } else {
            words.len()
        };
        match position {
            0 => return earlier_stages(word),
            1 => {
                return Completions {
                    replace: word,
                    candidates: vec![Candidate {
                        label: "AS".into(),
                        insert: "AS ".into(),
                        kind: CandidateKind::Keyword,
                        detail: Some("names the build stage".into()),
                        documentation: None,
                    }],
                }
            }
            _ => {}
        }
    }
    Completions::default()
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Rule codes after `# plimsoll ignore=`, `# hadolint ignore=` and `# check=skip=`.
fn comment_completions(line: &str, offset: usize) -> Completions {
    let body = line.trim_start().trim_start_matches('#').trim_start();
    let codes_start = [
        "plimsoll ignore=",
        "plimsoll global ignore=",
        "plimsoll stage ignore=",
        "hadolint ignore=",
        "hadolint global ignore=",
    ]
    .iter()
    .find_map(|prefix| body.strip_prefix(prefix))
    .map(|rest| (rest, false))
    .or_else(|| {
        let rest = body.strip_prefix("check=")?;
        let skip = rest
            .rsplit(';')
            .next()?
            .trim_start()
            .strip_prefix("skip=")?;
        Some((skip, true))
    });
    let Some((codes, buildkit_names)) = codes_start else {
        return Completions::default();
    };
    if codes.contains(char::is_whitespace) {
        return Completions::default();
    }
    let typed = codes.rsplit(',').next().unwrap_or("");
    let candidates = all_metas()
        .iter()
        .filter_map(|meta| {
            let label = if buildkit_names {
                meta.aliases
                    .iter()
                    .find(|a| a.starts_with(|c: char| c.is_ascii_uppercase()))?
                    .to_string()
            } else {
                meta.code.to_string()
            };
            Some(Candidate {
                insert: label.clone(),
                label,
                kind: CandidateKind::Rule,
                detail: Some(format!("{} ({})", meta.name, meta.summary())),
                documentation: Some(meta.documentation()),
            })
        })
        .collect();
    Completions {
        replace: TextRange::from_usize(offset - typed.len(), offset),
        candidates,
    }
}

/// BuildKit's automatic platform arguments, usable in FROM without a declaration.
const PLATFORM_ARGS: [&str; 8] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

/// The variables visible at an instruction, with their values when known.
fn variable_candidates(
    analysis: &Analysis,
    text: &str,
    id: Option<InstructionId>,
) -> Vec<Candidate> {
    let model = &analysis.model;
    let mut names: Vec<(String, Option<String>)> = Vec::new();
    let mut add =
        |name: &str, value: Option<String>| match names.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => {
                if value.is_some() {
                    entry.1 = value;
                }
            }
            None => names.push((name.to_string(), value)),
        };
    let id = id.unwrap_or(model.file.instructions.len());
    let stage = model.stage_of(id).filter(|s| s.from != id);
    match stage {
        None => {
            for (index, instruction) in model.file.instructions.iter().enumerate().take(id) {
                if model.stage_of(index).is_none() {
                    for (name, _, _) in declared_variables(instruction, text) {
                        add(&name, None);
                    }
                }
            }
            for name in PLATFORM_ARGS {
                add(name, None);
            }
        }
        Some(stage) => {
            for index in stage.instructions.start..id {
                for (name, _, _) in declared_variables(model.instruction(index), text) {
                    add(&name, None);
                }
            }
        }
    }
    for (name, value) in model.variables_at(id).0 {
        add(&name, Some(value));
    }
    names
        .into_iter()
        .filter(|(name, _)| name_length(name.as_bytes()) == name.len())
        .map(|(name, value)| Candidate {
            insert: name.clone(),
            label: name,
            kind: CandidateKind::Variable,
            detail: value.map(|v| format!("= {v}")),
            documentation: None,
        })
        .collect()
}
