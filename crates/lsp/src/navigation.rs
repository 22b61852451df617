//! Go to definition, find references, rename and document highlights for build stages and
//! variables.

use crate::symbols::{SymbolKind, SymbolTable};
use plimsoll_parser::TextRange;

/// Where the symbol at `offset` is declared: for a use, the declaration it resolves to; for
/// a stage's `ARG NAME`, the global ARG.
pub fn definition(table: &SymbolTable, offset: u32) -> Option<TextRange> {
    let (symbol, occurrence) = table.at(offset)?;
    Some(occurrence.target.unwrap_or(symbol.occurrences[0].range))
}

/// Every place the symbol at `offset` is written; declarations only when asked.
pub fn references(table: &SymbolTable, offset: u32, include_declarations: bool) -> Vec<TextRange> {
    let Some((symbol, _)) = table.at(offset) else {
        return Vec::new();
    };
    symbol
        .occurrences
        .iter()
        .filter(|o| include_declarations || !o.is_declaration)
        .map(|o| o.range)
        .collect()
}

/// The places to highlight: (range, whether it is a declaration).
pub fn highlights(table: &SymbolTable, offset: u32) -> Vec<(TextRange, bool)> {
    table
        .at(offset)
        .map(|(symbol, _)| {
            symbol
                .occurrences
                .iter()
                .map(|o| (o.range, o.is_declaration))
                .collect()
        })
        .unwrap_or_default()
}

/// The range a rename at `offset` would change, and the current name.
pub fn prepare_rename(table: &SymbolTable, offset: u32) -> Option<(TextRange, String)> {
    let (symbol, occurrence) = table.at(offset)?;
    Some((occurrence.range, symbol.name.clone()))
}

/// The edits of renaming the symbol at `offset` to `new_name`, or why it cannot be done.
pub fn rename(table: &SymbolTable, offset: u32, new_name: &str) -> Result<Vec<TextRange>, String> {
    let Some((symbol, _)) = table.at(offset) else {
        return Err("nothing to rename here: put the cursor on a stage name or a variable".into());
    };
    match symbol.kind {
        SymbolKind::Stage if !is_stage_name(new_name) => {
            return Err(format!(
                "`{new_name}` is not a valid stage name: use a letter, then letters, digits, `-`, `_` or `.`"
            ))
        }
        SymbolKind::Variable if !is_variable_name(new_name) => {
            return Err(format!(
                "`{new_name}` is not a valid variable name: use a letter or `_`, then letters, digits or `_`"
            ))
        }
        _ => {}
    }
    let taken = table.symbols.iter().any(|other| {
        other.kind == symbol.kind
            && !std::ptr::eq(other, symbol)
            && if symbol.kind == SymbolKind::Stage {
                other.name.eq_ignore_ascii_case(new_name)
            } else {
                other.name == new_name
            }
    });
    if taken {
        return Err(format!("`{new_name}` is already used in this file"));
    }
    Ok(symbol.occurrences.iter().map(|o| o.range).collect())
}

/// BuildKit's rule for stage names: `^[a-z][a-z0-9-_.]*$`, case-insensitively.
fn is_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_variable_name(name: &str) -> bool {
    crate::symbols::name_length(name.as_bytes()) == name.len() && !name.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_rules::SemanticModel;

    #[test]
    fn rename_stage_everywhere_and_validate() {
        let text =
            "FROM golang AS build\nFROM build AS test\nFROM alpine\nCOPY --from=build /a /a\n";
        let table = SymbolTable::new(&SemanticModel::new(plimsoll_parser::parse(text)), text);
        let at = text.rfind("build").unwrap() as u32;
        let ranges = rename(&table, at, "compile").unwrap();
        assert_eq!(ranges.len(), 3);
        assert!(rename(&table, at, "9lives").is_err());
        assert!(rename(&table, at, "TEST")
            .unwrap_err()
            .contains("already used"));
        let declaration = text.find("build").unwrap() as u32;
        assert_eq!(
            definition(&table, at),
            Some(TextRange::new(declaration, declaration + 5))
        );
        assert_eq!(references(&table, at, false).len(), 2);
        assert!(rename(&table, 0, "x").is_err());
    }
}
