use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix, Tag};
use crate::model::SemanticModel;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::{cased_like, double_quoted, read_single_pair, top_level_id};
use plimsoll_parser::expand::{EnvList, Lexer};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction. This is BuildKit's `MaintainerDeprecated`
    /// check, with its message, and hadolint's DL4000.
    ///
    /// ## Why
    /// `MAINTAINER` has been deprecated since Docker 1.13. It sets the image's `Author`
    /// field, which the OCI image format does not have and tools rarely show. The label
    /// `org.opencontainers.image.authors` is the standard place for the same information,
    /// and registries and scanners read it.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix
    /// Replaces the instruction with `LABEL org.opencontainers.image.authors="…"`, the value
    /// quoted so that the label holds exactly the text `MAINTAINER` had (`"`, `$` and the
    /// escape character are escaped). The fix is unsafe: the image's `Author` field is no
    /// longer set, and a tool that reads it finds nothing. No fix is offered when a comment
    /// line sits inside the instruction, or when the stage already sets the label.
    pub struct MaintainerDeprecated {
        code: "DL4000",
        name: "maintainer-deprecated",
        aliases: ["MaintainerDeprecated"],
        category: Style,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Maintainer])],
    }
}

/// The OCI label for the image's authors.
const AUTHORS: &str = "org.opencontainers.image.authors";

impl Rule for MaintainerDeprecated {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        let Some(id) = top_level_id(model, instruction) else {
            return;
        };
        let fix = match &instruction.args {
            Arguments::Text(word) => label_fix(model, id, instruction, &word.value),
            _ => None,
        };
        let diagnostic = checker.report(
            instruction.range,
            "Maintainer instruction is deprecated in favor of using label",
        );
        diagnostic.add_tag(Tag::Deprecated);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

fn label_fix(
    model: &SemanticModel,
    id: usize,
    instruction: &Instruction,
    author: &str,
) -> Option<Fix> {
    let has_comment = model
        .file
        .comments
        .iter()
        .any(|c| instruction.range.contains_range(c.range));
    if has_comment || author.is_empty() || sets_authors(model, id) {
        return None;
    }
    let escape = model.file.escape;
    let label = cased_like("label", &instruction.keyword_text);
    let replacement = format!("{label} {AUTHORS}={}", double_quoted(author, escape));
    if !reads_back(&replacement, escape, author) {
        return None;
    }
    Some(Fix::unsafe_edit(
        format!("Replace `MAINTAINER` with the `{AUTHORS}` label"),
        vec![Edit::replace(instruction.range, replacement)],
    ))
}

/// Whether the stage of `id` sets the authors label itself.
fn sets_authors(model: &SemanticModel, id: usize) -> bool {
    let Some(stage) = model.stage_of(id) else {
        return false;
    };
    stage.instructions.clone().any(|i| {
        let instruction = model.instruction(i);
        instruction.keyword == Keyword::Label
            && matches!(&instruction.args, Arguments::KeyValues(pairs)
                if pairs.iter().any(|p| p.key.value.trim_matches(['"', '\'']) == AUTHORS))
    })
}

/// Whether BuildKit reads `replacement` as one LABEL whose value is exactly `author`.
fn reads_back(replacement: &str, escape: char, author: &str) -> bool {
    let Some((keyword, pair)) = read_single_pair(replacement, escape) else {
        return false;
    };
    let value = Lexer::new(escape).process_word(&pair.value.value, &EnvList::new());
    keyword == Keyword::Label && pair.key.value == AUTHORS && value.is_ok_and(|v| v.value == author)
}
