//! Words as BuildKit reads them when it runs an instruction: quotes and escapes removed,
//! variables expanded with the ARGs and ENVs in scope.

use crate::model::{InstructionId, SemanticModel};
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::{Instruction, TextRange};

/// `word` as BuildKit's `ProcessWord` gives it at instruction `id`: quotes and escapes
/// removed, variables expanded. `None` when the word uses a variable without a value there,
/// or cannot be expanded at all (another rule reports that).
pub(crate) fn expand_word(model: &SemanticModel, id: InstructionId, word: &str) -> Option<String> {
    let lexer = Lexer::new(model.file.escape);
    let expansion = if word.contains('$') {
        lexer.process_word(word, &model.variables_at(id))
    } else {
        lexer.process_word(word, &EmptyEnv)
    };
    expansion
        .ok()
        .filter(|e| e.unmatched.is_empty())
        .map(|e| e.value)
}

/// Whether `instruction` is the trigger of an ONBUILD: it runs in the builds of other
/// Dockerfiles, with variables this file does not know.
pub(crate) fn is_onbuild_trigger(model: &SemanticModel, instruction: &Instruction) -> bool {
    model
        .id_of(instruction)
        .is_none_or(|id| model.instruction(id).keyword != instruction.keyword)
}

/// Whether the parser reported a syntax error within `range` (or around it): BuildKit stops
/// there, before it reads or expands any value, so rules about values stay silent.
pub(crate) fn has_syntax_error(model: &SemanticModel, range: TextRange) -> bool {
    model
        .file
        .diagnostics
        .iter()
        .any(|d| d.range.contains_range(range) || range.contains_range(d.range))
}
