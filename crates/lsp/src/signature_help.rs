//! Signature help: the forms of the instruction being typed, with the flag or argument
//! under the cursor.

use crate::document::Analysis;
use crate::hover::instruction_at;
use crate::instruction_docs::instruction_doc;

/// A signature to show: its forms, its documentation and the active form.
#[derive(Debug, PartialEq, Eq)]
pub struct Signature {
    /// One label per form of the instruction.
    pub forms: Vec<String>,
    /// What the instruction does.
    pub documentation: String,
    /// The flag under the cursor, if any: its documentation.
    pub flag: Option<String>,
    /// The form to highlight (exec form when the arguments are a JSON array).
    pub active_form: u32,
}

/// The signature of the instruction at `offset`, past its keyword.
pub fn signature_help(analysis: &Analysis, offset: u32) -> Option<Signature> {
    let (_, instruction) = instruction_at(&analysis.model.file.instructions, offset)?;
    let instruction = match instruction.onbuild_child() {
        Some(child) if child.keyword_range.start <= offset => child,
        _ => instruction,
    };
    if offset <= instruction.keyword_range.end {
        return None;
    }
    let doc = instruction_doc(instruction.keyword)?;
    let forms: Vec<String> = doc.syntax.lines().map(str::to_string).collect();
    let active_form = if instruction.json {
        forms.iter().position(|f| f.contains("[\"")).unwrap_or(0) as u32
    } else {
        0
    };
    let flag = instruction
        .flags
        .iter()
        .find(|f| f.range.touches(offset))
        .and_then(|f| Some(format!("`--{}`: {}", f.name, doc.flag(&f.name)?)));
    Some(Signature {
        forms,
        documentation: doc.summary.split_whitespace().collect::<Vec<_>>().join(" "),
        flag,
        active_form,
    })
}
