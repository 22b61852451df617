//! The parser's syntax errors (PL1xx) as rules, so that they can be selected, ignored,
//! suppressed and documented like any other.

use crate::diagnostic::Severity;
use crate::registry::{Category, FixAvailability, RuleMeta};
use plimsoll_parser::SyntaxCode;
use std::sync::LazyLock;

static SYNTAX_METAS: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    SyntaxCode::ALL
        .iter()
        .map(|code| RuleMeta {
            code: code.code(),
            name: code.name(),
            aliases: &[],
            category: Category::Syntax,
            severity: Severity::Error,
            enabled_by_default: true,
            fix: FixAvailability::None,
            since: "0.1.0",
            targets: &[],
            doc: code.summary(),
        })
        .collect()
});

/// The metadata of every syntax code.
pub(crate) fn syntax_metas() -> &'static [RuleMeta] {
    &SYNTAX_METAS
}

/// The metadata of one syntax code.
pub(crate) fn syntax_meta(code: SyntaxCode) -> &'static RuleMeta {
    let index = SyntaxCode::ALL.iter().position(|c| *c == code).unwrap_or(0);
    &SYNTAX_METAS[index]
}
