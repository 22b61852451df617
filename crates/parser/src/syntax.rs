//! The syntax tree of a Dockerfile.
//!
//! The tree mirrors what BuildKit's parser produces (one node per instruction, its flags and
//! its arguments as BuildKit splits them) and adds what BuildKit throws away: the byte range of
//! every piece, the comments, the directives and the syntax errors, so that one bad
//! instruction never hides the rest of the file.

use crate::diagnostic::SyntaxDiagnostic;
use crate::text::{SourceMap, TextRange};
use serde::Serialize;

/// A parsed Dockerfile.
#[derive(Clone, Debug, Serialize)]
pub struct Dockerfile {
    /// Length of the source text in bytes.
    pub len: u32,
    /// Whether the source started with a UTF-8 byte-order mark (skipped by the parser).
    pub has_bom: bool,
    /// The escape character in effect: `\` unless a `# escape=` directive says `` ` ``.
    pub escape: char,
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) at the top of the file.
    pub directives: Vec<Directive>,
    /// The instructions, in file order.
    pub instructions: Vec<Instruction>,
    /// Every comment line that is not a directive, including those inside continuations.
    pub comments: Vec<Comment>,
    /// Empty lines inside a line continuation (BuildKit warns about them).
    pub empty_continuation_lines: Vec<EmptyContinuationLine>,
    /// Syntax errors, in file order.
    pub diagnostics: Vec<SyntaxDiagnostic>,
}

impl Dockerfile {
    /// The value of a parser directive (`syntax`, `escape` or `check`), if present.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// Whether the file has at least one syntax error.
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// The instruction whose range contains `offset`, if any (ONBUILD's nested instruction is
    /// not descended into).
    pub fn instruction_at(&self, offset: u32) -> Option<&Instruction> {
        let idx = self.instructions.partition_point(|i| i.range.end < offset);
        self.instructions
            .get(idx)
            .filter(|i| i.range.touches(offset))
    }
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// The whole line, from `#` to the end of the value.
    pub range: TextRange,
    /// Where the name is.
    pub name_range: TextRange,
    /// Where the value is.
    pub value_range: TextRange,
}

/// A comment line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// The text after `#`, trimmed.
    pub text: String,
    /// From `#` to the end of the line (without the line break).
    pub range: TextRange,
    /// Whether the comment sits inside an instruction's line continuation.
    pub in_continuation: bool,
}

/// An empty or blank line inside a line continuation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EmptyContinuationLine {
    /// The whole line including its line break, so that deleting it removes the line.
    pub range: TextRange,
}

/// The instruction keywords BuildKit knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keyword {
    /// `ADD`
    Add,
    /// `ARG`
    Arg,
    /// `CMD`
    Cmd,
    /// `COPY`
    Copy,
    /// `ENTRYPOINT`
    Entrypoint,
    /// `ENV`
    Env,
    /// `EXPOSE`
    Expose,
    /// `FROM`
    From,
    /// `HEALTHCHECK`
    Healthcheck,
    /// `LABEL`
    Label,
    /// `MAINTAINER`
    Maintainer,
    /// `ONBUILD`
    Onbuild,
    /// `RUN`
    Run,
    /// `SHELL`
    Shell,
    /// `STOPSIGNAL`
    Stopsignal,
    /// `USER`
    User,
    /// `VOLUME`
    Volume,
    /// `WORKDIR`
    Workdir,
    /// A word BuildKit does not know (`BOGUS x`); kept so later checks can report it.
    Unknown,
}

impl Keyword {
    /// All known keywords (not `Unknown`), alphabetically.
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// The keyword for `word`, compared case-insensitively.
    pub fn from_word(word: &str) -> Keyword {
        // Upper-cased into a buffer as long as the longest keyword, then matched once.
        let mut upper = [0u8; 11];
        let Some(buffer) = upper.get_mut(..word.len()) else {
            return Keyword::Unknown;
        };
        for (u, b) in buffer.iter_mut().zip(word.bytes()) {
            *u = b.to_ascii_uppercase();
        }
        match &*buffer {
            b"ADD" => Keyword::Add,
            b"ARG" => Keyword::Arg,
            b"CMD" => Keyword::Cmd,
            b"COPY" => Keyword::Copy,
            b"ENTRYPOINT" => Keyword::Entrypoint,
            b"ENV" => Keyword::Env,
            b"EXPOSE" => Keyword::Expose,
            b"FROM" => Keyword::From,
            b"HEALTHCHECK" => Keyword::Healthcheck,
            b"LABEL" => Keyword::Label,
            b"MAINTAINER" => Keyword::Maintainer,
            b"ONBUILD" => Keyword::Onbuild,
            b"RUN" => Keyword::Run,
            b"SHELL" => Keyword::Shell,
            b"STOPSIGNAL" => Keyword::Stopsignal,
            b"USER" => Keyword::User,
            b"VOLUME" => Keyword::Volume,
            b"WORKDIR" => Keyword::Workdir,
            _ => Keyword::Unknown,
        }
    }

    /// The upper-case spelling (`RUN`); `""` for `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "",
        }
    }
}

/// A word of an instruction: its value as BuildKit sees it, and where it is in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The value as BuildKit's parser gives it.
    pub value: String,
    /// Where the word is in the file (for a JSON string, its quotes included).
    pub range: TextRange,
}

/// A `--name=value` flag before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The flag as BuildKit keeps it, with quotes and backslashes processed: `--from=builder`.
    pub text: String,
    /// The name without the leading dashes: `from`.
    pub name: String,
    /// The value after `=`, if there is an `=`.
    pub value: Option<String>,
    /// The whole flag in the file, from `--` to the end of its value.
    pub range: TextRange,
    /// The name in the file (without the dashes).
    pub name_range: TextRange,
    /// The value in the file (after `=`, quotes included), if there is an `=`.
    pub value_range: Option<TextRange>,
}

/// One `key=value` pair of ENV or LABEL (or the legacy `ENV key value` form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    /// The key as written (quotes kept, as BuildKit keeps them).
    pub key: Word,
    /// The value as written (quotes and escapes kept, as BuildKit keeps them).
    pub value: Word,
    /// `true` for the legacy `ENV key value` form (no `=`).
    pub legacy: bool,
    /// The whole pair.
    pub range: TextRange,
}

/// A here-document attached to RUN, COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word with quotes removed (`EOF`).
    pub name: String,
    /// False when the delimiter is quoted (`<<"EOF"`): the body is not expanded.
    pub expand: bool,
    /// Set for `<<-`: leading tabs are stripped from the body and terminator.
    pub chomp: bool,
    /// The file-descriptor prefix (`3<<EOF`), 0 by default.
    pub fd: u32,
    /// The body, every line with its line break, without the terminator line.
    pub content: String,
    /// Where the body is in the file.
    pub body_range: TextRange,
    /// Where the terminator line is (without its line break); `None` when unterminated.
    pub terminator_range: Option<TextRange>,
}

/// The arguments of an instruction, shaped as BuildKit's parser shapes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Arguments {
    /// No arguments at all.
    None,
    /// The rest of the line as one string: shell-form RUN/CMD/ENTRYPOINT/SHELL, and WORKDIR,
    /// USER, MAINTAINER, STOPSIGNAL.
    Text(Word),
    /// Exec form: the elements of a JSON array of strings.
    Exec(Vec<Word>),
    /// Words split on whitespace (FROM, EXPOSE, shell-form COPY/ADD/VOLUME), or on
    /// whitespace outside quotes (ARG).
    List(Vec<Word>),
    /// ENV and LABEL pairs.
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK: the type (`CMD`, `NONE`, …) and the command.
    Healthcheck {
        /// `CMD`, `NONE`, or whatever was written.
        kind: Word,
        /// The command after the type: [`Arguments::Exec`], [`Arguments::Text`] or none.
        command: Box<Arguments>,
    },
    /// ONBUILD and the instruction it registers.
    Onbuild(Box<Instruction>),
    /// An instruction BuildKit does not know: its arguments are ignored.
    Ignored,
    /// The arguments could not be parsed; the error is in [`Dockerfile::diagnostics`].
    Invalid,
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// Which instruction this is.
    pub keyword: Keyword,
    /// The keyword as written (`run`, `Run`, `RUN`, or the unknown word).
    pub keyword_text: String,
    /// Where the keyword is.
    pub keyword_range: TextRange,
    /// From the keyword to the end of the instruction's last line (without its line break),
    /// including heredoc bodies and terminators.
    pub range: TextRange,
    /// First line (1-based), as BuildKit counts lines.
    pub start_line: u32,
    /// Last line (1-based, inclusive): continuation lines and heredoc terminators included.
    pub end_line: u32,
    /// The `--name=value` flags before the arguments.
    pub flags: Vec<Flag>,
    /// The arguments after the flags.
    pub args: Arguments,
    /// Whether the arguments were given in exec (JSON array) form.
    pub json: bool,
    /// Heredocs of RUN, COPY and ADD (also when registered through ONBUILD).
    pub heredocs: Vec<Heredoc>,
    /// The comment lines right above the instruction (BuildKit's `PrevComment`).
    pub prev_comment: Vec<String>,
    /// The logical line: physical lines joined, continuation characters and comment lines
    /// removed (BuildKit's `Original`). For a heredoc instruction, only its first line. For
    /// ONBUILD's nested instruction, the ONBUILD's line (so that its ranges stay comparable).
    pub original: String,
    /// Maps offsets of [`Self::original`] to file offsets.
    #[serde(skip)]
    pub original_map: SourceMap,
    /// Where the arguments (after the flags) start and end in [`Self::original`].
    pub args_range: TextRange,
}

impl Instruction {
    /// The flag named `name` (without dashes), if given.
    ///
    /// ```
    /// let file = plimsoll_parser::parse("FROM a\nCOPY --from=build --chmod=755 /app /app\n");
    /// let copy = &file.instructions[1];
    /// assert_eq!(copy.flag("from").and_then(|f| f.value.as_deref()), Some("build"));
    /// assert!(copy.flag("chown").is_none());
    /// assert_eq!(copy.arg_values(), ["/app", "/app"]);
    /// ```
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The arguments after the flags as written in the logical line (BuildKit's `rest`).
    pub fn args_text(&self) -> &str {
        self.original.get(self.args_range.as_usize()).unwrap_or("")
    }

    /// The file range of the arguments (after the flags).
    pub fn args_file_range(&self) -> TextRange {
        self.original_map.range_to_source(self.args_range)
    }

    /// Maps a range of [`Self::original`] to the file.
    pub fn to_file_range(&self, range: TextRange) -> TextRange {
        self.original_map.range_to_source(range)
    }

    /// The nested instruction of an ONBUILD.
    pub fn onbuild_child(&self) -> Option<&Instruction> {
        match &self.args {
            Arguments::Onbuild(child) => Some(child),
            _ => None,
        }
    }

    /// The words of the arguments in BuildKit's node order (the `args` of its JSON dump):
    /// for ENV/LABEL the (key, value, separator) triples are flattened.
    pub fn arg_values(&self) -> Vec<&str> {
        fn collect<'a>(args: &'a Arguments, out: &mut Vec<&'a str>) {
            match args {
                Arguments::None | Arguments::Invalid | Arguments::Onbuild(_) => {}
                Arguments::Ignored => out.push(""),
                Arguments::Text(w) => out.push(&w.value),
                Arguments::Exec(ws) | Arguments::List(ws) => {
                    out.extend(ws.iter().map(|w| w.value.as_str()))
                }
                Arguments::KeyValues(kvs) => {
                    for kv in kvs {
                        out.push(&kv.key.value);
                        out.push(&kv.value.value);
                        out.push(if kv.legacy { "" } else { "=" });
                    }
                }
                Arguments::Healthcheck { kind, command } => {
                    out.push(&kind.value);
                    collect(command, out);
                }
            }
        }
        fn count(args: &Arguments) -> usize {
            match args {
                Arguments::None | Arguments::Invalid | Arguments::Onbuild(_) => 0,
                Arguments::Ignored | Arguments::Text(_) => 1,
                Arguments::Exec(ws) | Arguments::List(ws) => ws.len(),
                Arguments::KeyValues(kvs) => 3 * kvs.len(),
                Arguments::Healthcheck { command, .. } => 1 + count(command),
            }
        }
        let mut out = Vec::with_capacity(count(&self.args));
        collect(&self.args, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_read_in_any_case() {
        for keyword in Keyword::ALL {
            let upper = keyword.as_str();
            assert_eq!(Keyword::from_word(upper), keyword);
            assert_eq!(Keyword::from_word(&upper.to_lowercase()), keyword);
            let mixed: String = upper
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(Keyword::from_word(&mixed), keyword);
            assert_eq!(Keyword::from_word(&format!("{upper}X")), Keyword::Unknown);
            assert_eq!(Keyword::from_word(&upper[1..]), Keyword::Unknown);
        }
        for word in ["", "HEALTHCHECKS", "RUNé", "ＲＵＮ", "R\u{0}N"] {
            assert_eq!(Keyword::from_word(word), Keyword::Unknown, "{word:?}");
        }
    }
}
