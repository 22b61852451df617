use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::expand_word;
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` with several sources whose destination does not end with
    /// `/`. The destination is judged after ARG and ENV expansion; one that uses a variable
    /// without a value is not judged. Here-documents count as sources. `.` and `..` (also
    /// at the end of a path: `/srv/.`) are directories for BuildKit and are not reported.
    ///
    /// ## Why
    /// Several sources can only go into a directory. The classic builder refuses the
    /// instruction ("When using COPY with more than one source file, the destination must
    /// be a directory and end with a /"); BuildKit copies each source to the destination
    /// path in turn, so that unless a directory of that name already exists, the sources
    /// overwrite one another and the image holds one file under the directory's name. A
    /// trailing `/` says a directory is meant, and makes BuildKit create it.
    ///
    /// Unlike hadolint, `ADD` is checked too, variables are expanded, and a destination of
    /// `.` or `..` is accepted.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json package-lock.json /app/
    /// COPY tsconfig.json vite.config.ts .
    /// ```
    ///
    /// ## Fix
    /// Adds `/` at the end of the destination (inside its quotes when it is quoted). Safe:
    /// a destination that is an existing directory keeps its meaning, and one that is not
    /// becomes the directory the sources were meant to go to.
    pub struct CopyDestinationNotDirectory {
        code: "DL3021",
        name: "copy-destination-not-directory",
        category: Correctness,
        severity: Error,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy, Keyword::Add])],
    }
}

impl Rule for CopyDestinationNotDirectory {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let words = match &instruction.args {
            Arguments::List(words) | Arguments::Exec(words) => words,
            _ => return,
        };
        let [_, _, .., dest] = words.as_slice() else {
            return;
        };
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        // A malformed flag (`--chmod 777`) makes its value look like a source.
        let malformed = model
            .file
            .diagnostics
            .iter()
            .any(|d| instruction.range.contains_range(d.range));
        if malformed {
            return;
        }
        let Some(value) = expand_word(model, id, &dest.value) else {
            return;
        };
        let directory = value.ends_with(['/', '\\'])
            || matches!(value.as_str(), "" | "." | "..")
            || value.ends_with("/.")
            || value.ends_with("/..");
        if directory {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let written = checker.text(dest.range);
        let sources = words.len() - 1;
        let message = if written.trim_matches(['"', '\'']) == value {
            format!(
                "`{keyword}` with {sources} sources requires the destination to end with `/`: \
                 `{value}` is not a directory"
            )
        } else {
            format!(
                "`{keyword}` with {sources} sources requires the destination to end with `/`: \
                 `{written}` is `{value}`, not a directory"
            )
        };
        // Inside the closing quote of a quoted (or JSON) destination.
        let quoted = written.len() >= 2
            && (written.ends_with('"') || written.ends_with('\''))
            && written.starts_with(&written[written.len() - 1..]);
        let at = if quoted {
            dest.range.end - 1
        } else {
            dest.range.end
        };
        checker.report(dest.range, message).set_fix(Fix::safe(
            "Add `/` to the destination",
            vec![Edit::insert(at, "/")],
        ));
    }
}
