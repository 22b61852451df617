//! Named things of a Dockerfile and where each is written: build stages (`FROM … AS name`,
//! `FROM name`, `COPY --from=name`, `RUN --mount=from=name`) and variables (`ARG`/`ENV`
//! declarations and `$NAME`/`${NAME}` uses). Go to definition, references, rename and
//! document highlights all read this table.

use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};
use plimsoll_rules::model::{BaseImage, InstructionId};
use plimsoll_rules::SemanticModel;

/// What a symbol names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A build stage.
    Stage,
    /// A build argument or environment variable.
    Variable,
}

/// One place a symbol is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name's range.
    pub range: TextRange,
    /// Whether this is a declaration (`AS name`, `ARG NAME`, `ENV NAME=…`).
    pub is_declaration: bool,
    /// For a use, the declaration it resolves to; for a redeclaration (`ARG NAME` inside a
    /// stage), the global one.
    pub target: Option<TextRange>,
}

/// A stage or variable with every place it is written.
#[derive(Clone, Debug)]
pub struct Symbol {
    /// What it names.
    pub kind: SymbolKind,
    /// The name as declared.
    pub name: String,
    /// Where it is written; the first is its main declaration.
    pub occurrences: Vec<Occurrence>,
}

/// Every symbol of a file.
#[derive(Debug, Default)]
pub struct SymbolTable {
    /// The symbols.
    pub symbols: Vec<Symbol>,
}

impl SymbolTable {
    /// The symbols of a file.
    pub fn new(model: &SemanticModel, text: &str) -> SymbolTable {
        let mut table = SymbolTable::default();
        table.collect_stages(model, text);
        table.collect_variables(model, text);
        table
    }

    /// The symbol written at `offset`, and that occurrence.
    pub fn at(&self, offset: u32) -> Option<(&Symbol, &Occurrence)> {
        self.symbols.iter().find_map(|symbol| {
            symbol
                .occurrences
                .iter()
                .find(|o| o.range.start <= offset && offset <= o.range.end)
                .map(|o| (symbol, o))
        })
    }

    fn collect_stages(&mut self, model: &SemanticModel, text: &str) {
        let mut by_stage: Vec<Option<usize>> = Vec::with_capacity(model.stages.len());
        for stage in &model.stages {
            let index = match (&stage.name, stage.name_range) {
                (Some(name), Some(range)) => {
                    self.symbols.push(Symbol {
                        kind: SymbolKind::Stage,
                        name: name.clone(),
                        occurrences: vec![Occurrence {
                            range,
                            is_declaration: true,
                            target: None,
                        }],
                    });
                    Some(self.symbols.len() - 1)
                }
                _ => None,
            };
            by_stage.push(index);
        }
        let add_use = |table: &mut SymbolTable, stage: usize, range: TextRange| {
            let Some(Some(symbol)) = by_stage.get(stage) else {
                return;
            };
            let symbol = &mut table.symbols[*symbol];
            let written = text.get(range.as_usize()).unwrap_or("");
            // A use by index (`--from=0`) is not the name and stays as it is.
            if written.eq_ignore_ascii_case(&symbol.name) {
                let target = symbol.occurrences[0].range;
                symbol.occurrences.push(Occurrence {
                    range,
                    is_declaration: false,
                    target: Some(target),
                });
            }
        };
        for stage in &model.stages {
            if let BaseImage::Stage(parent) = stage.base {
                add_use(self, parent, stage.base_range);
            }
            for id in stage.instructions.clone() {
                let instruction = model.instruction(id);
                for (name, range) in stage_references(instruction, text) {
                    if let Some(used) = model.find_stage(name, stage.index) {
                        add_use(self, used.index, range);
                    }
                }
            }
        }
    }

    fn collect_variables(&mut self, model: &SemanticModel, text: &str) {
        let escape = model.file.escape;
        // (name, declaration range, instruction, stage) for every declaration, in order.
        let mut declarations: Vec<(String, TextRange, InstructionId, Option<usize>, bool)> =
            Vec::new();
        for (id, instruction) in model.file.instructions.iter().enumerate() {
            let stage = model.stage_of(id).map(|s| s.index);
            for (name, range, is_env) in declared_variables(instruction, text) {
                declarations.push((name, range, id, stage, is_env));
            }
        }
        // Each declaration's symbol: a stage's `ARG NAME` joins the global ARG of that name.
        let mut symbol_of_declaration = Vec::with_capacity(declarations.len());
        for (name, range, _, stage, is_env) in &declarations {
            let global = stage.is_some() && !is_env;
            let joined = global
                .then(|| {
                    self.symbols.iter().position(|s| {
                        s.kind == SymbolKind::Variable
                            && s.name == *name
                            && s.occurrences[0].target.is_none()
                            && is_global_declaration(&declarations, s.occurrences[0].range)
                    })
                })
                .flatten();
            match joined {
                Some(index) => {
                    let target = self.symbols[index].occurrences[0].range;
                    self.symbols[index].occurrences.push(Occurrence {
                        range: *range,
                        is_declaration: true,
                        target: Some(target),
                    });
                    symbol_of_declaration.push(index);
                }
                None => {
                    self.symbols.push(Symbol {
                        kind: SymbolKind::Variable,
                        name: name.clone(),
                        occurrences: vec![Occurrence {
                            range: *range,
                            is_declaration: true,
                            target: None,
                        }],
                    });
                    symbol_of_declaration.push(self.symbols.len() - 1);
                }
            }
        }
        for (id, instruction) in model.file.instructions.iter().enumerate() {
            for (name, range) in variable_uses(text, instruction.range, escape) {
                let Some(declaration) = resolve(model, &declarations, &name, id) else {
                    continue;
                };
                let symbol = &mut self.symbols[symbol_of_declaration[declaration]];
                symbol.occurrences.push(Occurrence {
                    range,
                    is_declaration: false,
                    target: Some(declarations[declaration].1),
                });
            }
        }
    }
}

fn is_global_declaration(
    declarations: &[(String, TextRange, InstructionId, Option<usize>, bool)],
    range: TextRange,
) -> bool {
    declarations
        .iter()
        .any(|(_, r, _, stage, _)| *r == range && stage.is_none())
}

/// The declaration a use of `name` at instruction `id` refers to, as BuildKit scopes
/// variables: global ARGs in FROM lines; in a stage, its own ARGs and ENVs declared before,
/// then the ENVs of the stages it is built on.
fn resolve(
    model: &SemanticModel,
    declarations: &[(String, TextRange, InstructionId, Option<usize>, bool)],
    name: &str,
    id: InstructionId,
) -> Option<usize> {
    let before = |stage: Option<usize>, limit: InstructionId, env_only: bool| {
        declarations.iter().rposition(|(n, _, at, s, is_env)| {
            n == name && *s == stage && *at < limit && (*is_env || !env_only)
        })
    };
    let Some(stage) = model.stage_of(id) else {
        return before(None, id, false);
    };
    if stage.from == id {
        return before(None, id, false);
    }
    if let Some(found) = before(Some(stage.index), id, false) {
        return Some(found);
    }
    let mut current = stage;
    for _ in 0..model.stages.len() {
        let BaseImage::Stage(parent) = current.base else {
            return None;
        };
        current = model.stages.get(parent)?;
        if let Some(found) = before(Some(current.index), InstructionId::MAX, true) {
            return Some(found);
        }
    }
    None
}

/// The variables an ARG or ENV declares: name, the name's range, whether it is an ENV.
pub fn declared_variables(instruction: &Instruction, text: &str) -> Vec<(String, TextRange, bool)> {
    let written_name = |range: TextRange, name: &str| {
        let at = range.start as usize;
        (text.get(at..at + name.len()) == Some(name))
            .then(|| TextRange::from_usize(at, at + name.len()))
    };
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Arg, Arguments::List(words)) => words
            .iter()
            .filter_map(|word| {
                let name = word.value.split('=').next().unwrap_or("");
                Some((name.to_string(), written_name(word.range, name)?, false))
            })
            .filter(|(name, _, _)| !name.is_empty())
            .collect(),
        (Keyword::Env, Arguments::KeyValues(pairs)) => pairs
            .iter()
            .filter_map(|pair| {
                let name = &pair.key.value;
                Some((name.clone(), written_name(pair.key.range, name)?, true))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Stage names an instruction uses: `COPY --from=name`, `RUN --mount=…,from=name`.
pub fn stage_references<'t>(instruction: &Instruction, text: &'t str) -> Vec<(&'t str, TextRange)> {
    let mut out = Vec::new();
    for flag in &instruction.flags {
        let Some(range) = flag.value_range else {
            continue;
        };
        let Some(value) = text.get(range.as_usize()) else {
            continue;
        };
        match (instruction.keyword, flag.name.as_str()) {
            (Keyword::Copy | Keyword::Add, "from") => out.push((value, range)),
            (Keyword::Run, "mount") => {
                let mut at = range.start as usize;
                for field in value.split(',') {
                    if let Some(name) = field.strip_prefix("from=") {
                        let start = at + "from=".len();
                        out.push((name, TextRange::from_usize(start, start + name.len())));
                    }
                    at += field.len() + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// The `$NAME` and `${NAME…}` uses in `range` of `text`: the name and its range. Text in
/// single quotes and dollars escaped with the escape character are skipped, as BuildKit
/// and the shell skip them.
pub fn variable_uses(text: &str, range: TextRange, escape: char) -> Vec<(String, TextRange)> {
    let Some(slice) = text.get(range.as_usize()) else {
        return Vec::new();
    };
    let base = range.start as usize;
    let bytes = slice.as_bytes();
    let mut out = Vec::new();
    let mut in_single_quotes = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            in_single_quotes = !in_single_quotes;
        } else if c == b'\n' {
            in_single_quotes = false;
        } else if !in_single_quotes && c as char == escape && escape.is_ascii() {
            i += 2;
            continue;
        } else if c == b'$' && !in_single_quotes {
            let braced = bytes.get(i + 1) == Some(&b'{');
            let start = i + 1 + usize::from(braced);
            let end = start + name_length(&bytes[start.min(bytes.len())..]);
            if end > start {
                out.push((
                    slice[start..end].to_string(),
                    TextRange::from_usize(base + start, base + end),
                ));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The length of the variable name at the start of `bytes`.
pub fn name_length(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => bytes
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> SymbolTable {
        SymbolTable::new(&SemanticModel::new(plimsoll_parser::parse(text)), text)
    }

    fn written<'t>(text: &'t str, symbol: &Symbol) -> Vec<&'t str> {
        symbol
            .occurrences
            .iter()
            .map(|o| &text[o.range.as_usize()])
            .collect()
    }

    #[test]
    fn stages_and_their_uses() {
        let text = "FROM golang:1.23 AS build\nRUN --mount=type=cache,from=build,target=/x true\n\
                    FROM build AS test\nFROM alpine\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\n";
        let table = table(text);
        let build = table.symbols.iter().find(|s| s.name == "build").unwrap();
        assert_eq!(build.kind, SymbolKind::Stage);
        assert_eq!(written(text, build), ["build"; 3]);
        let offset = text.find("--from=build").unwrap() as u32 + 9;
        let (symbol, occurrence) = table.at(offset).unwrap();
        assert_eq!(symbol.name, "build");
        assert_eq!(occurrence.target, Some(build.occurrences[0].range));
    }

    #[test]
    fn variables_follow_buildkit_scoping() {
        let text = "ARG GO=1.23\nFROM golang:${GO} AS build\nARG GO\nRUN echo $GO '$GO' \\$GO\n\
                    ENV APP=/app\nFROM build\nRUN ls $APP ${APP:-x} $UNDECLARED\n";
        let table = table(text);
        let go = table.symbols.iter().find(|s| s.name == "GO").unwrap();
        // Global declaration, the FROM use, the stage redeclaration, the RUN use; the quoted
        // and escaped ones are not uses.
        assert_eq!(written(text, go), ["GO"; 4]);
        assert_eq!(
            go.occurrences.iter().filter(|o| o.is_declaration).count(),
            2
        );
        let app = table.symbols.iter().find(|s| s.name == "APP").unwrap();
        assert_eq!(written(text, app), ["APP"; 3]);
        assert!(!table.symbols.iter().any(|s| s.name == "UNDECLARED"));
    }

    #[test]
    fn uses_without_a_declaration_in_scope_are_not_linked() {
        let text = "FROM alpine\nARG LATE\nFROM alpine\nRUN echo $LATE\n";
        let table = table(text);
        let late = table.symbols.iter().find(|s| s.name == "LATE").unwrap();
        assert_eq!(late.occurrences.len(), 1);
    }
}
