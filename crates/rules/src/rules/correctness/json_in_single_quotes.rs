use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an instruction written as an exec-form array with single quotes:
    /// `CMD ['node', 'server.js']`, `RUN ['make', 'install']`, `VOLUME ['/data']`.
    ///
    /// ## Why
    /// The exec form is JSON, and JSON strings take double quotes only. BuildKit does not
    /// complain: it reads an array it cannot parse as JSON in shell form, so
    /// `RUN ['make', 'install']` runs `/bin/sh -c "['make', 'install']"`, which looks for a
    /// program called `[make,` and fails; `CMD` and `ENTRYPOINT` fail the same way when the
    /// container starts, `COPY` looks for a file called `['app.py',`, and `VOLUME` creates a
    /// volume at the path `['/data']`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM python:3.13-slim
    /// CMD ['python', 'app.py']
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM python:3.13-slim
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## Fix
    /// Replaces the single quotes with double quotes, escaping any `"` inside the strings.
    /// The fix is safe when no string holds a backslash: the array then means exactly what
    /// it says. With a backslash it is unsafe, because the backslash is kept as a literal
    /// character (`'C:\dir'` becomes `"C:\\dir"`) while the author may have meant a JSON
    /// escape. No fix is offered when a string holds a control character such as a tab,
    /// which JSON does not allow.
    pub struct JsonInSingleQuotes {
        code: "PL121",
        name: "json-in-single-quotes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[
            Keyword::Add,
            Keyword::Cmd,
            Keyword::Copy,
            Keyword::Entrypoint,
            Keyword::Healthcheck,
            Keyword::Run,
            Keyword::Volume,
        ])],
    }
}

impl Rule for JsonInSingleQuotes {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if instruction.json || !instruction.heredocs.is_empty() {
            return;
        }
        let Some(start) = array_start(instruction) else {
            return;
        };
        let text = instruction.original.get(start..).unwrap_or("");
        let Some(array) = parse_array(text) else {
            return;
        };
        let at = |offset: usize| {
            let logical = (start + offset) as u32;
            instruction
                .to_file_range(TextRange::new(logical, logical + 1))
                .start
        };
        let range = TextRange::new(at(array.open), at(array.close) + 1);
        let keyword = instruction.keyword.as_str();
        let message = format!(
            "`{keyword}` is written as an exec-form array with single quotes, which is not \
             JSON: it runs in shell form"
        );
        let fix = replacement_edits(&array, at).map(|(edits, literal)| {
            let title = "Use double quotes in the exec-form array";
            if literal {
                Fix::safe(title, edits)
            } else {
                Fix::unsafe_edit(title, edits)
            }
        });
        let diagnostic = checker.report(range, message);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// Where the would-be array starts in the instruction's logical line: after the flags, and
/// for HEALTHCHECK after `CMD`.
fn array_start(instruction: &Instruction) -> Option<usize> {
    let start = instruction.args_range.start as usize;
    let args = instruction.original.get(start..)?;
    let skipped = args.len() - args.trim_start().len();
    let start = start + skipped;
    if instruction.keyword != Keyword::Healthcheck {
        return Some(start);
    }
    let Arguments::Healthcheck { kind, .. } = &instruction.args else {
        return None;
    };
    if !kind.value.eq_ignore_ascii_case("cmd") {
        return None;
    }
    let rest = instruction.original.get(start..)?;
    let after_kind = rest.find(char::is_whitespace)?;
    let command = &rest[after_kind..];
    Some(start + after_kind + (command.len() - command.trim_start().len()))
}

/// One string of the array.
struct Element {
    /// Offset of the opening quote.
    open: usize,
    /// Offset of the closing quote.
    close: usize,
    /// Whether it is single-quoted.
    single: bool,
    /// The characters between the quotes, with their offsets.
    content: Vec<(usize, char)>,
}

/// A bracketed list of quoted strings, at least one of them single-quoted.
struct Array {
    open: usize,
    close: usize,
    elements: Vec<Element>,
}

/// Reads `[ 'a', "b" ]` (and nothing after it but white space).
fn parse_array(text: &str) -> Option<Array> {
    let mut chars = text.char_indices().peekable();
    let skip_ws = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    };
    skip_ws(&mut chars);
    let (open, _) = chars.next_if(|(_, c)| *c == '[')?;
    let mut elements = Vec::new();
    let close = loop {
        skip_ws(&mut chars);
        let (quote_at, quote) = chars.next()?;
        if quote == ']' && elements.is_empty() {
            break quote_at;
        }
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut content = Vec::new();
        let close = loop {
            let (i, c) = chars.next()?;
            if c == quote {
                break i;
            }
            if c == '\\' && quote == '"' {
                content.push((i, c));
                let escaped = chars.next()?;
                content.push(escaped);
                continue;
            }
            content.push((i, c));
        };
        elements.push(Element {
            open: quote_at,
            close,
            single: quote == '\'',
            content,
        });
        skip_ws(&mut chars);
        match chars.next()? {
            (_, ',') => continue,
            (i, ']') => break i,
            _ => return None,
        }
    };
    skip_ws(&mut chars);
    if chars.next().is_some() || !elements.iter().any(|e| e.single) {
        return None;
    }
    Some(Array {
        open,
        close,
        elements,
    })
}

/// The edits that turn the single-quoted strings into JSON strings, and whether they are
/// literal (no backslash to interpret). `None` when a string cannot be JSON.
fn replacement_edits(array: &Array, at: impl Fn(usize) -> u32) -> Option<(Vec<Edit>, bool)> {
    let mut edits = Vec::new();
    let mut literal = true;
    for element in array.elements.iter().filter(|e| e.single) {
        edits.push(Edit::replace(
            TextRange::new(at(element.open), at(element.open) + 1),
            "\"",
        ));
        for &(offset, c) in &element.content {
            if c.is_control() {
                return None;
            }
            if c == '\\' {
                literal = false;
            }
            if c == '\\' || c == '"' {
                edits.push(Edit::insert(at(offset), "\\"));
            }
        }
        edits.push(Edit::replace(
            TextRange::new(at(element.close), at(element.close) + 1),
            "\"",
        ));
    }
    Some((edits, literal))
}

#[cfg(test)]
mod tests {
    use super::parse_array;

    #[test]
    fn arrays() {
        let array = parse_array(" ['a', \"b\" , 'c d'] ").unwrap();
        assert_eq!(array.elements.len(), 3);
        assert_eq!((array.open, array.close), (1, 18));
        assert!(parse_array("[\"a\", \"b\"]").is_none());
        assert!(parse_array("['a', 'b'] x").is_none());
        assert!(parse_array("['a' 'b']").is_none());
        assert!(parse_array("['a").is_none());
        assert!(parse_array("[]").is_none());
        assert!(parse_array("[a, 'b']").is_none());
        assert_eq!(parse_array("['it\\'s']").map(|a| a.elements.len()), None);
    }
}
