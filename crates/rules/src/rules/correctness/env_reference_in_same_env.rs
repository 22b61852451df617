use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::stage_chain;
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::{Arguments, Instruction, KeyValue, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an `ENV` pair whose value refers to a variable that an earlier pair of the
    /// same `ENV` sets, when no `ARG` or `ENV` declared that variable before.
    ///
    /// ## Why
    /// BuildKit expands every value of an `ENV` with the variables as they were before the
    /// instruction. In `ENV APP=/opt/app BIN=$APP/bin`, `$APP` is not `/opt/app`: it is
    /// empty (or whatever the base image set), so `BIN` becomes `/bin`. Nothing fails; the
    /// image just has the wrong value.
    ///
    /// A pair that refers to its own variable (`ENV PATH=/opt/bin:$PATH`) is fine: it means
    /// the old value. Unlike hadolint, a reference written before the pair that sets the
    /// variable (`ENV B=$A A=1`) is not reported, because it gets the old value either
    /// way, and the variables declared earlier are those of the stage and the stages it is
    /// built on, not of the whole file.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// ENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// ENV APP_HOME=/opt/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Fix
    /// Splits the `ENV` before the first pair that refers to an earlier one, so that the
    /// reference gets the new value. The fix is unsafe: the value of the variable changes,
    /// which is what the author meant but not what the image had. No fix is offered when a
    /// comment sits between the two pairs, or inside `ONBUILD`.
    pub struct EnvReferenceInSameEnv {
        code: "DL3044",
        name: "env-reference-in-same-env",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Env])],
    }
}

impl Rule for EnvReferenceInSameEnv {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let Arguments::KeyValues(pairs) = &instruction.args else {
            return;
        };
        if pairs.len() < 2 {
            return;
        }
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        let in_onbuild = model.instruction(id).keyword == Keyword::Onbuild;
        // Made when a value refers to a variable: listing the stage's variables for every
        // ENV made a long stage quadratic.
        let mut declared: Option<Vec<String>> = None;
        let lexer = Lexer::new(model.file.escape);
        let names: Vec<String> = pairs.iter().map(|p| unquote(&p.key.value)).collect();
        let mut split_offered = false;
        for (j, pair) in pairs.iter().enumerate() {
            let Ok(expansion) = lexer.process_word(&pair.value.value, &EmptyEnv) else {
                continue;
            };
            let referenced = expansion.unmatched;
            if referenced.is_empty() {
                continue;
            }
            let declared = declared.get_or_insert_with(|| declared_before(model, id));
            // The nearest earlier pair setting a variable this value refers to (the same
            // name too: in `ENV P=/a:$P P=/b:$P` the second pair loses the first).
            let Some(i) = (0..j)
                .rev()
                .find(|&i| referenced.contains(&names[i]) && !declared.contains(&names[i]))
            else {
                continue;
            };
            let fix = if split_offered || in_onbuild {
                None
            } else {
                split_offered = true;
                split_fix(checker, instruction, pairs, j)
            };
            report(checker, instruction, pairs, i, j, &names[i], fix);
        }
    }
}

fn report(
    checker: &mut Checker<'_>,
    instruction: &Instruction,
    pairs: &[KeyValue],
    i: usize,
    j: usize,
    name: &str,
    fix: Option<Fix>,
) {
    let (Some(definition), Some(pair)) = (pairs.get(i), pairs.get(j)) else {
        return;
    };
    let range = reference_range(checker, &pair.value.value, pair.value.range, name)
        .unwrap_or(pair.value.range);
    let keyword = instruction.keyword_text.to_ascii_uppercase();
    let message = format!(
        "Do not refer to an environment variable within the same `{keyword}` statement where \
         it is defined: `${name}` here is the value `{name}` had before this `{keyword}`"
    );
    let diagnostic = checker.report(range, message);
    diagnostic.add_related(definition.range, format!("`{name}` is set here"));
    if let Some(fix) = fix {
        diagnostic.set_fix(fix);
    }
}

/// The names declared by ARG or ENV before `id` in its stage, and by ENV in the stages it is
/// built on (an ARG without a value counts: the reference then means the build argument).
fn declared_before(model: &SemanticModel, id: usize) -> Vec<String> {
    let Some(stage) = model.stage_of(id) else {
        return Vec::new();
    };
    let chain: Vec<&Stage> = stage_chain(model, stage);
    let mut names = Vec::new();
    for (hop, stage) in chain.iter().enumerate() {
        for variable in &stage.variables {
            let visible = if hop == 0 {
                variable.instruction < id
            } else {
                variable.is_env
            };
            if visible {
                names.push(variable.name.clone());
            }
        }
    }
    names
}

/// Where `$name` or `${name…}` is written in a value (`value` as written, at `range`).
fn reference_range(
    checker: &Checker<'_>,
    value: &str,
    range: TextRange,
    name: &str,
) -> Option<TextRange> {
    if checker.text(range) != value {
        return None;
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (at, _) in value.match_indices('$') {
        let rest = value.get(at + 1..)?;
        let len = if let Some(braced) = rest.strip_prefix('{') {
            match braced.strip_prefix(name) {
                Some(after) if !after.starts_with(is_name_char) => {
                    braced.find('}').map_or(braced.len() + 1, |close| close + 2)
                }
                _ => continue,
            }
        } else {
            match rest.strip_prefix(name) {
                Some(after) if !after.starts_with(is_name_char) => name.len(),
                _ => continue,
            }
        };
        let start = range.start + at as u32;
        return Some(TextRange::new(start, start + 1 + len as u32));
    }
    None
}

/// Splits the ENV before pair `j`: the blank (and line continuation) between the pairs
/// becomes a line break and a new `ENV`.
fn split_fix(
    checker: &Checker<'_>,
    instruction: &Instruction,
    pairs: &[KeyValue],
    j: usize,
) -> Option<Fix> {
    let previous = pairs.get(j.checked_sub(1)?)?;
    let pair = pairs.get(j)?;
    if pair.legacy || previous.legacy {
        return None;
    }
    let gap = TextRange::new(previous.range.end, pair.range.start);
    let text = checker.text(gap);
    let escape = checker.model.file.escape;
    let clean = !text.is_empty()
        && text
            .chars()
            .all(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == escape);
    if !clean {
        return None;
    }
    let indent = checker.indentation(instruction.range.start);
    let content = format!(
        "{}{indent}{} ",
        checker.line_break(),
        instruction.keyword_text
    );
    Some(Fix::unsafe_edit(
        format!("Split the `ENV` before `{}`", pair.key.value),
        vec![Edit::replace(gap, content)],
    ))
}

fn unquote(key: &str) -> String {
    key.trim_matches(['"', '\'']).to_string()
}
