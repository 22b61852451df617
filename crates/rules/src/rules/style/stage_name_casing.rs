use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::mounts::mount_flags;
use plimsoll_parser::{Arguments, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a stage name (`FROM … AS Name`) that is not all lowercase. This is
    /// BuildKit's `StageNameCasing` check, with its message.
    ///
    /// ## Why
    /// BuildKit lowercases stage names: `AS Build` defines the stage `build`, and
    /// `COPY --from=BUILD` finds it too. Writing the name in another case suggests a
    /// distinction that does not exist, and the mixed spellings make a Dockerfile harder to
    /// search.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS Build
    /// RUN go build -o /app .
    ///
    /// FROM scratch
    /// COPY --from=Build /app /app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    ///
    /// FROM scratch
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// Lowercases the name and every reference to the stage written literally in the file:
    /// `FROM <stage>`, `COPY --from=<stage>` and `RUN --mount=…,from=<stage>`. The fix is
    /// unsafe: a build script may name the stage with `--target`, which the file does not
    /// show.
    pub struct StageNameCasing {
        code: "PL201",
        name: "stage-name-casing",
        aliases: ["StageNameCasing"],
        category: Style,
        severity: Style,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for StageNameCasing {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let from = model.instruction(stage.from);
        let Arguments::List(words) = &from.args else {
            return;
        };
        let [_, as_word, name] = words.as_slice() else {
            return;
        };
        // A name with a variable is not one BuildKit accepts (other builders expand it): the
        // case of a variable's name is not a matter of style.
        if !as_word.value.eq_ignore_ascii_case("as")
            || name.value == name.value.to_lowercase()
            || name.value.contains('$')
        {
            return;
        }
        let lower = name.value.to_lowercase();
        let mut edits = Vec::new();
        if checker.text(name.range) == name.value {
            edits.push(Edit::replace(name.range, lower.clone()));
        }
        for range in references(model, checker.source, stage, &name.value) {
            edits.push(Edit::replace(range, lower.clone()));
        }
        let message = format!("Stage name '{}' should be lowercase", name.value);
        // BuildKit reports the FROM's first line.
        let range = on_first_line(checker, from, name.range);
        let diagnostic = checker.report(range, message);
        if !edits.is_empty() {
            diagnostic.set_fix(Fix::unsafe_edit(
                format!("Rename the stage `{lower}`"),
                edits,
            ));
        }
    }
}

/// Where later instructions name `stage` literally (no variable, no quotes) in another
/// case than `lower`: the base of a FROM, `COPY --from=`, and the `from=` of a RUN mount.
fn references(model: &SemanticModel, source: &str, stage: &Stage, name: &str) -> Vec<TextRange> {
    let lower = name.to_lowercase();
    let text = |range: TextRange| source.get(range.as_usize()).unwrap_or("");
    let source_of = |written: &str, id: usize| {
        // The stage a reference written in stage `id`'s instructions resolves to.
        let before = model.stage_of(id).map_or(0, |s| s.index);
        written.eq_ignore_ascii_case(name)
            && written != lower
            && model
                .find_stage(written, before)
                .is_some_and(|s| s.index == stage.index)
    };
    let mut out = Vec::new();
    let end = model.file.instructions.len();
    for id in stage.instructions.end..end {
        let instruction = model.instruction(id);
        match instruction.keyword {
            Keyword::From => {
                if let Arguments::List(words) = &instruction.args {
                    if let Some(base) = words.first() {
                        if text(base.range) == base.value && source_of(&base.value, id) {
                            out.push(base.range);
                        }
                    }
                }
            }
            Keyword::Copy | Keyword::Add => {
                let Some(flag) = instruction.flag("from") else {
                    continue;
                };
                let (Some(value), Some(range)) = (&flag.value, flag.value_range) else {
                    continue;
                };
                if text(range) == value && source_of(value, id) {
                    out.push(range);
                }
            }
            Keyword::Run => {
                for (flag, _) in mount_flags(instruction) {
                    let (Some(value), Some(range)) = (&flag.value, flag.value_range) else {
                        continue;
                    };
                    if text(range) != value {
                        continue;
                    }
                    let mut offset = range.start;
                    for field in value.split(',') {
                        if let Some((key, written)) = field.split_once('=') {
                            if key.trim().eq_ignore_ascii_case("from") {
                                let lead = written.len() - written.trim_start().len();
                                let trimmed = written.trim();
                                let start = offset + (key.len() + 1 + lead) as u32;
                                if source_of(trimmed, id) {
                                    out.push(TextRange::new(start, start + trimmed.len() as u32));
                                }
                            }
                        }
                        offset += field.len() as u32 + 1;
                    }
                }
            }
            _ => {}
        }
    }
    out
}
