//! The shell model of RUN scripts.
//!
//! A RUN instruction's script (its logical line, or a heredoc body) is parsed with
//! tree-sitter-bash and converted at once into the types of this module; no tree-sitter type
//! is ever exposed. The model answers the questions rules ask:
//!
//! - *which commands run, with which arguments*:
//!   [`ShellScript::commands`](crate::shell::ShellScript::commands) lists every simple
//!   command in source order, also those nested in subshells, `{ }` groups, `$(…)` and
//!   backticks, `<(…)`, pipelines, `if`/`for`/`while`/`case` bodies and function bodies;
//!   [`Command::unwrapped`](crate::shell::Command::unwrapped) looks through `sudo`, `env`,
//!   `exec`, … wrappers;
//! - *how they are connected*: [`ShellScript::body`](crate::shell::ShellScript::body) is the
//!   top-level [`List`](crate::shell::List) (pipelines separated by `;`, `&&`, `||`, `&`,
//!   newlines), [`ShellScript::and_chains`](crate::shell::ShellScript::and_chains) groups the
//!   pipelines joined only by `&&`,
//!   [`ShellScript::pipelines`](crate::shell::ShellScript::pipelines) says what is piped into
//!   what, and every [`Command`](crate::shell::Command) knows the
//!   [`Connector`](crate::shell::Connector)s before and after it and its
//!   [`Scope`](crate::shell::Scope)s;
//! - *where exactly*: every node carries its `range` in **file** offsets (through the
//!   [`SourceMap`](crate::text::SourceMap) given to
//!   [`ShellScript::parse`](crate::shell::ShellScript::parse)) and its `script_range` in the
//!   script text.
//!
//! Parsing never fails and never panics: on a syntax error, every command tree-sitter could
//! recover is still exposed (see [`ShellScript::errors`](crate::shell::ShellScript::errors)).
//!
//! # Limitations
//!
//! - The model is syntactic: nothing is expanded (`$V`, globs, `~`, `{a,b}`, aliases), so a
//!   word with an expansion has no static value and a command whose name is `$CC` has no
//!   static name. `eval "…"`, `sh -c "…"`, `su -c "…"` are commands with a string argument;
//!   the string is not parsed.
//! - Grammar gaps of tree-sitter-bash: a here-string after another redirection
//!   (`cmd > f <<< x`) and `<>` are syntax errors; `$"…"` is read as `$` and a string;
//!   `a\<newline>b` (only possible in heredoc bodies) is two words. `cat 0<&3` (which
//!   tree-sitter reads as an argument `0`) is repaired.
//! - Deeply nested constructs (more than 64 levels of compounds and substitutions) are cut,
//!   and pipelines of more than 64 elements are split; both are reported as errors.

mod build;
mod cache;
mod guard;
mod unquote;
mod wrappers;

#[cfg(test)]
mod tests;

use crate::text::{SourceMap, TextRange};
use serde::Serialize;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Pipelines longer than this are split before tree-sitter sees them (its bash grammar is
/// quadratic in the length of a pipeline); see [`ShellErrorKind::PipelineTooLong`].
const PIPELINE_LIMIT: usize = 64;

/// A parsed shell script: the text, its map to the file, and the commands and structure
/// found in it.
///
/// The script owns everything (no borrow of the Dockerfile text), is cheap to share between
/// threads, and is immutable once parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellScript {
    text: String,
    #[serde(skip)]
    map: SourceMap,
    body: List,
    commands: Vec<Command>,
    substitutions: Vec<Substitution>,
    errors: Vec<ShellError>,
}

/// The index of a [`Command`] in [`ShellScript::commands`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CommandId(u32);

impl CommandId {
    /// The position of the command in [`ShellScript::commands`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A word as written in the script: a command name, an argument, an assignment value, a
/// redirection target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The source text of the word as written, quotes and escapes included.
    pub text: String,
    /// The word's value after quote removal when it is fully static: `-y` → `-y`,
    /// `'a b'` → `a b`, `"x"y` → `xy`, `a\ b` → `a b`. `None` when it contains an expansion
    /// (`$V`, `${V}`, `$(…)`, backticks, `$((…))`, `{1..3}`) or is an array.
    ///
    /// Globs, tildes and comma brace expansions are kept as written and never expanded:
    /// `*.deb` and `'*.deb'` both give `*.deb`, `a{b,c}` gives `a{b,c}`.
    pub value: Option<String>,
    /// Where the word is in the file.
    pub range: TextRange,
    /// Where the word is in [`ShellScript::text`].
    pub script_range: TextRange,
}

/// A `NAME=value` (or `NAME+=value`) assignment written before a command name, or alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The variable name (`FOO`, or `arr[1]` for an array element).
    pub name: String,
    /// Where the name is in the file.
    pub name_range: TextRange,
    /// `true` for `+=`.
    pub append: bool,
    /// The value; for `FOO=` an empty word (`text` and `value` both empty) placed right
    /// after the `=`. An array value `(a b)` has `value: None`.
    pub value: Word,
    /// The whole assignment in the file.
    pub range: TextRange,
    /// The whole assignment in the script.
    pub script_range: TextRange,
}

/// The operator of a [`Redirect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `&>` (stdout and stderr)
    WriteAll,
    /// `&>>`
    AppendAll,
    /// `<&` (duplicate an input descriptor)
    DupRead,
    /// `>&` (duplicate an output descriptor, or `>&file`)
    DupWrite,
    /// `<&-`
    CloseRead,
    /// `>&-`
    CloseWrite,
    /// `<<` (a here-document)
    Heredoc,
    /// `<<-` (a here-document with leading tabs stripped)
    HeredocStrip,
    /// `<<<` (a here-string)
    HereString,
}

impl RedirectOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectOp::Read => "<",
            RedirectOp::Write => ">",
            RedirectOp::Append => ">>",
            RedirectOp::Clobber => ">|",
            RedirectOp::WriteAll => "&>",
            RedirectOp::AppendAll => "&>>",
            RedirectOp::DupRead => "<&",
            RedirectOp::DupWrite => ">&",
            RedirectOp::CloseRead => "<&-",
            RedirectOp::CloseWrite => ">&-",
            RedirectOp::Heredoc => "<<",
            RedirectOp::HeredocStrip => "<<-",
            RedirectOp::HereString => "<<<",
        }
    }

    fn from_token(token: &str) -> Option<RedirectOp> {
        Some(match token {
            "<" => RedirectOp::Read,
            ">" => RedirectOp::Write,
            ">>" => RedirectOp::Append,
            ">|" => RedirectOp::Clobber,
            "&>" => RedirectOp::WriteAll,
            "&>>" => RedirectOp::AppendAll,
            "<&" => RedirectOp::DupRead,
            ">&" => RedirectOp::DupWrite,
            "<&-" => RedirectOp::CloseRead,
            ">&-" => RedirectOp::CloseWrite,
            "<<" => RedirectOp::Heredoc,
            "<<-" => RedirectOp::HeredocStrip,
            "<<<" => RedirectOp::HereString,
            _ => return None,
        })
    }
}

/// A redirection: `> file`, `2>&1`, `<<EOF`, `<<< "text"`, …
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The explicit file descriptor before the operator (`2` in `2>/dev/null`).
    pub fd: Option<u32>,
    /// The operator.
    pub op: RedirectOp,
    /// The file, descriptor (`1` in `2>&1`), here-document delimiter (its `value` without
    /// quotes: `EOF` for `<<'EOF'`) or here-string. `None` for `>&-` / `<&-`.
    pub target: Option<Word>,
    /// The body of a here-document: `text` is the body as written; `value` is the body
    /// when it contains no expansion (always so for a quoted delimiter).
    pub heredoc_body: Option<Word>,
    /// The redirection in the file (for a here-document, the operator and the delimiter,
    /// not the body).
    pub range: TextRange,
    /// The redirection in the script.
    pub script_range: TextRange,
}

impl Redirect {
    /// Whether this redirects to `/dev/null`.
    pub fn is_dev_null(&self) -> bool {
        self.target.as_ref().and_then(Word::as_str) == Some("/dev/null")
    }
}

/// An operator joining two commands or pipelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connector {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`, `;;` or a newline
    Seq,
    /// `&`: the preceding and-or list runs in the background.
    Background,
    /// `|` or `|&` (between the elements of a pipeline)
    Pipe,
}

/// A construct a command is nested in (see [`Command::scopes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// `( … )`
    Subshell,
    /// `{ …; }`
    Group,
    /// `$( … )`, `` ` … ` ``
    CommandSubstitution,
    /// `<( … )`, `>( … )`
    ProcessSubstitution,
    /// The condition of an `if`/`elif`/`while`/`until`.
    Condition,
    /// The `then` or `else` body of an `if`.
    Branch,
    /// The body of a `for`/`select`/`while`/`until` loop.
    Loop,
    /// The body of a `case` arm.
    CaseArm,
    /// The body of a function definition (runs only when the function is called).
    Function,
    /// A compound command (or a command substitution) that is an element of a pipeline of
    /// two or more elements, and therefore runs in a subshell.
    Pipeline,
}

impl Scope {
    /// Whether code in this scope runs in a subshell, so that `cd`, `export`, … there do
    /// not affect the rest of the script.
    pub fn is_subshell(self) -> bool {
        matches!(
            self,
            Scope::Subshell
                | Scope::CommandSubstitution
                | Scope::ProcessSubstitution
                | Scope::Pipeline
        )
    }
}

/// A simple command: assignments, a name, arguments and redirections.
///
/// `[ … ]` and `[[ … ]]` are commands named `[` / `[[` whose arguments are the words and
/// operators of the test (without the closing bracket). `export`/`declare`/`local`/
/// `readonly`/`typeset`/`unset` are commands whose arguments are written as is (`A=1` is an
/// argument of `export`, not an [`Assignment`]). A lone `FOO=bar`, or a lone redirection,
/// is a command without a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Command {
    /// The command's index in [`ShellScript::commands`].
    pub id: CommandId,
    /// The command name (`apt-get`, `/usr/bin/env`, `"$CC"`, `[`); `None` for a command
    /// made only of assignments or redirections.
    pub name: Option<Word>,
    /// The arguments, in order.
    pub args: Vec<Word>,
    /// The `NAME=value` assignments before the name.
    pub assignments: Vec<Assignment>,
    /// The redirections, wherever they are written (also those tree-sitter attaches to a
    /// whole pipeline or `&&` list: they belong to the last command).
    pub redirects: Vec<Redirect>,
    /// The command in the file, from its first assignment or word to its last argument or
    /// redirection (here-document bodies excluded).
    pub range: TextRange,
    /// The command in the script.
    pub script_range: TextRange,
    /// The operator right before this command: [`Connector::Pipe`] inside a pipeline,
    /// otherwise the one before its pipeline in the enclosing list. `None` for the first
    /// command of a list (of the script, a subshell, a group, a body, a substitution, …).
    pub before: Option<Connector>,
    /// The operator right after this command: [`Connector::Pipe`] if it is piped into the
    /// next element, otherwise the one after its pipeline (`;` and newlines are
    /// [`Connector::Seq`]); `None` at the end of a list.
    pub after: Option<Connector>,
    /// The command's position in its pipeline (0 when not piped).
    pub pipeline_index: usize,
    /// The number of elements of its pipeline (1 when not piped).
    pub pipeline_len: usize,
    /// The constructs the command is nested in, outermost first; empty for a command at the
    /// top level of the script.
    pub scopes: Vec<Scope>,
    /// `true` when the command was rebuilt from the words of a syntax error (the script
    /// [`has_errors`](ShellScript::has_errors)); its words are right but where the command
    /// ends is a guess.
    pub recovered: bool,
    /// Where [`Command::unwrapped`] starts: the index in `args` of the name of the command
    /// run through wrappers, `None` when the command's own name is not looked through.
    /// Worked out once, when the script is parsed, as rules ask for it many times per
    /// command.
    #[serde(skip)]
    unwrapped_name: Option<u32>,
}

/// The name and arguments of a command, possibly looking through wrappers
/// ([`Command::unwrapped`]).
///
/// The helpers of [`Command`] (`program`, `has_flag`, …) are defined here and apply to
/// `name` and `args`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation<'a> {
    /// The whole command.
    pub command: &'a Command,
    /// The effective command name.
    pub name: Option<&'a Word>,
    /// The arguments after `name`.
    pub args: &'a [Word],
}

/// A list: pipelines separated by `;`, `&&`, `||`, `&` or newlines.
///
/// `&&` and `||` have equal precedence and associate to the left, and `;`/`&`/newline bind
/// less tightly, so the flat sequence of items with the connector after each is the whole
/// structure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct List {
    /// The items, in order.
    pub items: Vec<ListItem>,
    /// The list in the file (empty at the place of an empty list).
    pub range: TextRange,
    /// The list in the script.
    pub script_range: TextRange,
}

/// One pipeline of a [`List`] and the operator after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListItem {
    /// The pipeline.
    pub pipeline: Pipeline,
    /// The operator after the pipeline: [`Connector::And`], [`Connector::Or`],
    /// [`Connector::Seq`] or [`Connector::Background`]; `None` after the last item when
    /// nothing terminates it.
    pub separator: Option<Connector>,
}

/// A pipeline: statements joined by `|` (a single statement is a pipeline of one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    /// The elements, in order: what element `i` writes is read by element `i + 1`.
    pub elements: Vec<Statement>,
    /// `true` for `! pipeline`.
    pub negated: bool,
    /// The pipeline in the file.
    pub range: TextRange,
    /// The pipeline in the script.
    pub script_range: TextRange,
    #[serde(skip)]
    commands: Range<u32>,
}

/// An element of a pipeline: a simple command or a compound command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statement {
    /// A simple command (see [`ShellScript::command`]).
    Command(CommandId),
    /// A compound command.
    Compound(Box<Compound>),
}

/// A compound command: subshell, group, `if`, loops, `case`, function definition, …
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Compound {
    /// What it is, with its bodies.
    pub kind: CompoundKind,
    /// Redirections applying to the whole compound (`( … ) > log`).
    pub redirects: Vec<Redirect>,
    /// The compound in the file.
    pub range: TextRange,
    /// The compound in the script.
    pub script_range: TextRange,
    #[serde(skip)]
    commands: Range<u32>,
}

/// The kinds of [`Compound`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundKind {
    /// `( body )`
    Subshell(List),
    /// `{ body; }`
    Group(List),
    /// `if c1; then b1; elif c2; then b2; else e; fi`
    If {
        /// The `if` and `elif` branches, in order.
        branches: Vec<IfBranch>,
        /// The `else` body.
        else_body: Option<List>,
    },
    /// `for name in values; do body; done` (or `select`).
    For {
        /// `true` for `select`.
        select: bool,
        /// The loop variable.
        variable: Option<Word>,
        /// The words after `in`; `None` without `in` (the positional parameters).
        values: Option<Vec<Word>>,
        /// The loop body.
        body: List,
    },
    /// `for (( init; cond; step )); do body; done` (commands in the header are in
    /// [`ShellScript::commands`] too).
    ArithmeticFor {
        /// The loop body.
        body: List,
    },
    /// `while cond; do body; done` or `until …`.
    While {
        /// `true` for `until`.
        until: bool,
        /// The condition.
        condition: List,
        /// The loop body.
        body: List,
    },
    /// `case subject in pattern) body;; … esac`
    Case {
        /// The word after `case`.
        subject: Option<Word>,
        /// The arms, in order.
        arms: Vec<CaseArm>,
    },
    /// `name() body` or `function name body`.
    Function {
        /// The function name.
        name: Option<Word>,
        /// The body: one item whose pipeline holds the body compound (usually a group).
        body: List,
    },
    /// `(( expression ))`
    Arithmetic,
    /// Statements tree-sitter could only recover from a syntax error inside a pipeline or
    /// a function body.
    Recovered(List),
}

/// One `if`/`elif` branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IfBranch {
    /// The condition.
    pub condition: List,
    /// The `then` body.
    pub body: List,
}

/// One arm of a `case`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseArm {
    /// The patterns before `)`.
    pub patterns: Vec<Word>,
    /// The body.
    pub body: List,
    /// The arm in the file.
    pub range: TextRange,
}

/// The kind of a [`Substitution`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstitutionKind {
    /// `$( … )`
    Dollar,
    /// `` ` … ` ``
    Backtick,
    /// `<( … )`
    ProcessInput,
    /// `>( … )`
    ProcessOutput,
}

/// A command or process substitution, wherever it is (in a word, a redirection, a `for`
/// list, a `case` subject, a here-document body, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Substitution {
    /// Which syntax.
    pub kind: SubstitutionKind,
    /// The commands inside.
    pub body: List,
    /// The substitution in the file, delimiters included.
    pub range: TextRange,
    /// The substitution in the script.
    pub script_range: TextRange,
}

/// Why a script is not (entirely) well-formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorKind {
    /// Text tree-sitter could not fit in the grammar.
    Unexpected,
    /// Something missing (a closing quote, `fi`, `done`, a command after `&&`, …).
    Missing,
    /// A pipeline of more than 64 elements: it was split into shorter pipelines joined by
    /// `;` before parsing (tree-sitter-bash is quadratic in a pipeline's length). Reported
    /// once, at the first split.
    PipelineTooLong,
    /// More than 16 here-documents on one line: the operators after the 16th were
    /// ignored (tree-sitter-bash is quadratic in their number).
    TooManyHeredocs,
    /// Constructs nested too deeply: the commands below the limit are not in the model.
    TooDeep,
    /// Parsing took too long and was abandoned: the model is empty.
    TooComplex,
}

/// A syntax problem found while parsing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellError {
    /// What kind of problem.
    pub kind: ShellErrorKind,
    /// A short description (`unexpected "&& )"`, `missing "fi"`, …).
    pub message: String,
    /// Where, in the file.
    pub range: TextRange,
    /// Where, in the script.
    pub script_range: TextRange,
}

/// A maximal run of pipelines of one [`List`] joined only by `&&`
/// (see [`ShellScript::and_chains`]).
#[derive(Clone, Copy, Debug)]
pub struct AndChain<'a> {
    script: &'a ShellScript,
    /// The list items of the chain; every item but the last has the separator
    /// [`Connector::And`].
    pub items: &'a [ListItem],
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = RefCell::new(new_parser());
}

fn new_parser() -> Option<tree_sitter::Parser> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .ok()?;
    Some(parser)
}

/// Forgets the scripts parsed so far.
///
/// [`ShellScript::parse`] keeps the models of recent scripts (a few megabytes at most) and
/// gives a copy, moved to the new place, when the same script is parsed again: what an
/// editor does on every keystroke, and what repositories with many variants of one
/// Dockerfile cause. Results never depend on it; clearing is for measuring the cost of a
/// first parse, or for giving the memory back.
pub fn clear_parse_cache() {
    cache::clear();
}

/// How long tree-sitter may take before the parse is abandoned. Only pathological input
/// comes close: real scripts parse at several MB/s.
fn time_budget(len: usize) -> Duration {
    Duration::from_secs(2) + Duration::from_micros(4 * len as u64)
}

/// Runs tree-sitter on `text` with the thread's parser (a fresh one if it is busy), giving
/// up after `budget`.
fn run_tree_sitter(text: &str, budget: Duration) -> Result<tree_sitter::Tree, ShellErrorKind> {
    let parse = |parser: &mut tree_sitter::Parser| {
        // A cancelled parse would otherwise be resumed by the next call.
        parser.reset();
        let bytes = text.as_bytes();
        let deadline = Instant::now().checked_add(budget);
        let mut progress =
            |_: &tree_sitter::ParseState| deadline.is_some_and(|d| Instant::now() > d);
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let tree = parser.parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or(&[]),
            None,
            Some(options),
        );
        if tree.is_none() {
            parser.reset();
        }
        tree
    };
    let fresh = || new_parser().map(|mut parser| parse(&mut parser));
    // The thread's parser, unless it is busy or gone (thread teardown).
    let tree = PARSER
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => slot.as_mut().map(parse),
            Err(_) => fresh(),
        })
        .unwrap_or_else(|_| fresh());
    match tree {
        Some(Some(tree)) => Ok(tree),
        Some(None) => Err(ShellErrorKind::TooComplex),
        // No parser at all (the grammar could not be loaded): nothing to analyse.
        None => Err(ShellErrorKind::TooComplex),
    }
}

impl ShellScript {
    /// Parses `script`, whose offsets `map` maps to the file.
    ///
    /// `map` is usually an instruction's `original_map` sliced to the script
    /// ([`SourceMap::slice`]), or a heredoc body's range. Never panics; half-typed input
    /// (an unclosed quote, a trailing `&&`, `$(`) gives a model of what could be read and
    /// [`has_errors`](Self::has_errors). A script parsed before, with a map of the same
    /// shape, comes from a cache ([`clear_parse_cache`]).
    ///
    /// ```
    /// use plimsoll_parser::shell::{Connector, ShellScript};
    /// use plimsoll_parser::{SourceMap, TextRange};
    ///
    /// // The script starts at offset 4 of the file: `RUN apt-get update && …`.
    /// let file = "RUN apt-get update && apt-get install -qy curl | tee log";
    /// let script = &file[4..];
    /// let parsed = ShellScript::parse(script, SourceMap::contiguous(4, script.len() as u32));
    /// assert!(!parsed.has_errors());
    ///
    /// let names: Vec<_> = parsed.commands().filter_map(|c| c.name_str()).collect();
    /// assert_eq!(names, ["apt-get", "apt-get", "tee"]);
    ///
    /// let install = parsed.commands().nth(1).unwrap();
    /// assert_eq!(install.before, Some(Connector::And));
    /// assert_eq!(install.after, Some(Connector::Pipe));
    /// assert_eq!(install.args_after_subcommand("install").unwrap().last().unwrap().text, "curl");
    /// // `-qy` contains `-y`; the range is in file offsets.
    /// let y = install.flag("-y").unwrap();
    /// assert_eq!(&file[y.range.as_usize()], "-qy");
    /// ```
    pub fn parse(script: &str, map: SourceMap) -> ShellScript {
        Arc::unwrap_or_clone(ShellScript::parse_shared(script, map))
    }

    /// [`ShellScript::parse`], sharing the model with the parser's cache: a script parsed
    /// before at the same place in the file is not copied.
    pub fn parse_shared(script: &str, map: SourceMap) -> Arc<ShellScript> {
        cache::parse_cached(script, map, |script, map| {
            ShellScript::parse_with_budget(script, map, time_budget(script.len()))
        })
    }

    fn parse_with_budget(script: &str, map: SourceMap, budget: Duration) -> ShellScript {
        let mut errors = Vec::new();
        // What tree-sitter parses: the script, or a copy of the same length where absurd
        // constructs are rewritten (see `guard`). Words are always sliced from `script`.
        let guarded = guard::guard(script, PIPELINE_LIMIT);
        if let Some(g) = &guarded {
            let mut report = |kind, at: usize, message: String| {
                let script_range = TextRange::from_usize(at, at + 1);
                errors.push(ShellError {
                    kind,
                    message,
                    range: map.range_to_source(script_range),
                    script_range,
                });
            };
            if let Some(at) = g.pipeline_split {
                report(
                    ShellErrorKind::PipelineTooLong,
                    at,
                    format!(
                        "pipeline of more than {PIPELINE_LIMIT} commands: \
                         analysed as if split every {PIPELINE_LIMIT} commands"
                    ),
                );
            }
            if let Some(at) = g.heredoc_dropped {
                report(
                    ShellErrorKind::TooManyHeredocs,
                    at,
                    format!(
                        "more than {} here-documents on one line: the others are ignored",
                        guard::HEREDOC_LIMIT
                    ),
                );
            }
        }
        let parse_text = guarded.as_ref().map_or(script, |g| g.text.as_str());
        match run_tree_sitter(parse_text, budget) {
            Ok(tree) => build::build(script, map, &tree, errors),
            Err(kind) => {
                let script_range = TextRange::from_usize(0, script.len());
                errors.push(ShellError {
                    kind,
                    message: "the script is too complex to analyse".to_string(),
                    range: map.range_to_source(script_range),
                    script_range,
                });
                ShellScript {
                    text: script.to_string(),
                    body: List::empty(map.range_to_source(TextRange::empty(0)), 0),
                    map,
                    commands: Vec::new(),
                    substitutions: Vec::new(),
                    errors,
                }
            }
        }
    }

    /// Parses a script that is the whole text: file ranges equal script ranges.
    ///
    /// ```
    /// let script = plimsoll_parser::shell::ShellScript::parse_text("cd /src && make");
    /// assert_eq!(script.commands().len(), 2);
    /// assert_eq!(script.commands().nth(1).unwrap().range.start, 11);
    /// ```
    pub fn parse_text(script: &str) -> ShellScript {
        let len = u32::try_from(script.len()).unwrap_or(u32::MAX);
        ShellScript::parse(script, SourceMap::contiguous(0, len))
    }

    /// The script text that was parsed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The map from script offsets to file offsets.
    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// Maps a range of [`Self::text`] to the file.
    pub fn to_file_range(&self, script_range: TextRange) -> TextRange {
        self.map.range_to_source(script_range)
    }

    /// The text of a script range (empty if out of bounds).
    pub fn slice(&self, script_range: TextRange) -> &str {
        self.text.get(script_range.as_usize()).unwrap_or("")
    }

    /// Every simple command, in source order: a command comes before the commands nested
    /// in its words (`echo $(id)` gives `echo`, then `id`), and the commands of a
    /// here-document body come right after the command reading it.
    pub fn commands(&self) -> std::slice::Iter<'_, Command> {
        self.commands.iter()
    }

    /// The command with this id (`None` for an id from another script).
    pub fn command(&self, id: CommandId) -> Option<&Command> {
        self.commands.get(id.index())
    }

    /// The innermost command whose file range touches `offset` (its end included).
    pub fn command_at(&self, offset: u32) -> Option<&Command> {
        self.commands
            .iter()
            .filter(|c| c.range.touches(offset))
            .min_by_key(|c| c.range.len())
    }

    /// The top-level list.
    pub fn body(&self) -> &List {
        &self.body
    }

    /// Every command and process substitution, in source order (outer before inner).
    pub fn substitutions(&self) -> &[Substitution] {
        &self.substitutions
    }

    /// Every list at every depth — the top-level list, bodies of compounds, substitutions —
    /// in source order (an enclosing list before the lists nested in it).
    pub fn lists(&self) -> Vec<&List> {
        let mut out = Vec::new();
        self.body.collect_lists(&mut out);
        for s in &self.substitutions {
            // Nested substitutions are in `self.substitutions` themselves.
            out.push(&s.body);
            s.body.collect_nested_lists(&mut out);
        }
        out.sort_by_key(|l| (l.script_range.start, std::cmp::Reverse(l.script_range.end)));
        out
    }

    /// Every pipeline at every depth (single commands included: check
    /// [`Pipeline::is_piped`]), in source order.
    pub fn pipelines(&self) -> Vec<&Pipeline> {
        let mut out: Vec<&Pipeline> = self
            .lists()
            .into_iter()
            .flat_map(|l| l.items.iter().map(|i| &i.pipeline))
            .collect();
        out.sort_by_key(|p| (p.script_range.start, std::cmp::Reverse(p.script_range.end)));
        out
    }

    /// Every maximal run of pipelines joined only by `&&`, in every list at every depth, in
    /// source order. A pipeline not joined by `&&` to anything is a chain of one, so that
    /// "X is followed by Y in the same chain" can be checked uniformly.
    ///
    /// In `a && b || c && d; e`, the chains are `a && b`, `c && d` and `e`. A chain of an
    /// outer list includes the commands nested in its compounds (`a && (b; c)` is one
    /// chain whose [`AndChain::commands`] are `a`, `b`, `c`); the inner list `b; c` has its
    /// own chains too.
    ///
    /// ```
    /// use plimsoll_parser::shell::ShellScript;
    ///
    /// let s = ShellScript::parse_text(
    ///     "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*; echo done",
    /// );
    /// let chains: Vec<_> = s.and_chains().collect();
    /// assert_eq!(chains.len(), 2);
    /// let install = chains[0]
    ///     .position(|c| c.is("apt-get") && c.args_after_subcommand("install").is_some());
    /// let cleanup = chains[0].position(|c| c.is("rm"));
    /// assert!(install < cleanup);
    /// ```
    pub fn and_chains(&self) -> impl Iterator<Item = AndChain<'_>> + '_ {
        self.lists().into_iter().flat_map(move |list| {
            let mut chains = Vec::new();
            let mut start = 0;
            for (i, item) in list.items.iter().enumerate() {
                if item.separator != Some(Connector::And) || i + 1 == list.items.len() {
                    chains.push(AndChain {
                        script: self,
                        items: &list.items[start..=i],
                    });
                    start = i + 1;
                }
            }
            chains
        })
    }

    /// Whether the script is not well-formed: tree-sitter found errors or missing tokens,
    /// or the script had to be simplified ([`Self::errors`] says what and where).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The syntax problems, in source order (at most one per error region; at most 100).
    pub fn errors(&self) -> &[ShellError] {
        &self.errors
    }

    /// The commands whose ids are in `range`.
    fn commands_in(&self, range: &Range<u32>) -> &[Command] {
        self.commands
            .get(range.start as usize..range.end as usize)
            .unwrap_or(&[])
    }
}

impl Word {
    /// The static value ([`Word::value`]) as a `&str`.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Whether the word is fully static (no expansion).
    pub fn is_static(&self) -> bool {
        self.value.is_some()
    }

    /// Whether the word is a static option: it starts with `-` and is not just `-`.
    /// (`--` counts: it ends the options.)
    pub fn is_flag(&self) -> bool {
        self.as_str()
            .is_some_and(|v| v.len() > 1 && v.starts_with('-'))
    }
}

impl Command {
    /// The name and arguments as written.
    #[inline]
    pub fn invocation(&self) -> Invocation<'_> {
        Invocation {
            command: self,
            name: self.name.as_ref(),
            args: &self.args,
        }
    }

    /// The command run through wrappers: `sudo -E apt-get install x` gives `apt-get` with
    /// arguments `install x`. See [`Invocation::unwrap_once`] for the wrappers recognised;
    /// a wrapper whose options are not understood (or are not static) is not looked
    /// through, so the result may still be a wrapper. Which wrappers are looked through is
    /// worked out once, when the script is parsed: this is a lookup.
    ///
    /// ```
    /// use plimsoll_parser::shell::ShellScript;
    ///
    /// let s = ShellScript::parse_text("sudo -E env LANG=C apt-get install -y x");
    /// let cmd = s.commands().next().unwrap();
    /// assert_eq!(cmd.program(), Some("sudo"));
    /// let inner = cmd.unwrapped();
    /// assert_eq!(inner.program(), Some("apt-get"));
    /// assert!(inner.has_flag("-y"));
    /// assert_eq!(inner.args.len(), 3);
    /// ```
    #[inline]
    pub fn unwrapped(&self) -> Invocation<'_> {
        let Some(at) = self.unwrapped_name else {
            return self.invocation();
        };
        match self.args.get(at as usize..).and_then(<[Word]>::split_first) {
            Some((name, args)) => Invocation {
                command: self,
                name: Some(name),
                args,
            },
            // Only if `args` was shortened after parsing.
            None => self.invocation().unwrapped(),
        }
    }

    /// The index in `args` of the name [`Invocation::unwrapped`] reaches from the
    /// command's own name, wrapper by wrapper; `None` when no wrapper is looked through.
    fn find_unwrapped_name(&self) -> Option<u32> {
        let inner = self.invocation().unwrapped();
        if !inner.is_wrapped() {
            return None;
        }
        // `inner.args` is a suffix of `args`, and `inner.name` the word before it.
        let at = self.args.len().checked_sub(inner.args.len() + 1)?;
        u32::try_from(at).ok()
    }

    /// The static command name as written (`/usr/bin/apt-get`).
    #[inline]
    pub fn name_str(&self) -> Option<&str> {
        self.invocation().name_str()
    }

    /// The static command name without its directory (`apt-get` for `/usr/bin/apt-get`).
    #[inline]
    pub fn program(&self) -> Option<&str> {
        self.invocation().program()
    }

    /// Whether [`Self::program`] is `program`.
    #[inline]
    pub fn is(&self, program: &str) -> bool {
        self.invocation().is(program)
    }

    /// Whether the option `flag` is given; see [`Invocation::flag`].
    pub fn has_flag(&self, flag: &str) -> bool {
        self.invocation().has_flag(flag)
    }

    /// The argument that gives the option `flag`; see [`Invocation::flag`].
    pub fn flag(&self, flag: &str) -> Option<&Word> {
        self.invocation().flag(flag)
    }

    /// The value of the option `flag`; see [`Invocation::flag_value`].
    pub fn flag_value(&self, flag: &str) -> Option<&str> {
        self.invocation().flag_value(flag)
    }

    /// The arguments after the first argument equal to `subcommand`; see
    /// [`Invocation::args_after_subcommand`].
    pub fn args_after_subcommand(&self, subcommand: &str) -> Option<&[Word]> {
        self.invocation().args_after_subcommand(subcommand)
    }

    /// The static argument values, `None` for a dynamic argument.
    pub fn arg_values(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.args.iter().map(Word::as_str)
    }

    /// The arguments that are not options; see [`Invocation::positionals`].
    pub fn positionals(&self) -> impl Iterator<Item = &Word> + '_ {
        self.invocation().positionals()
    }

    /// Whether the command is at the top level of the script (no [`Scope`]).
    pub fn is_top_level(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Whether the command runs in a subshell — inside `( )`, `$( )`, `<( )`, or as an
    /// element of a pipeline of two or more — so that `cd`, `export`, … there do not
    /// affect the rest of the script.
    pub fn in_subshell(&self) -> bool {
        self.pipeline_len > 1 || self.scopes.iter().any(|s| s.is_subshell())
    }

    /// How many subshells the command is nested in (a pipeline element counts as one).
    pub fn subshell_depth(&self) -> usize {
        self.scopes.iter().filter(|s| s.is_subshell()).count() + usize::from(self.pipeline_len > 1)
    }

    /// Whether the command is piped into another command.
    pub fn is_piped_into_next(&self) -> bool {
        self.pipeline_index + 1 < self.pipeline_len
    }
}

/// `path` without its directory: `/usr/bin/apt-get` → `apt-get`. `a/` gives the empty
/// string.
#[inline]
pub fn basename(path: &str) -> &str {
    let bytes = path.as_bytes();
    // Command names, the most frequent case, are a few bytes long: a plain backward scan
    // beats setting up a vectorised search, which wins on the long paths of a build context.
    let slash = if bytes.len() <= 16 {
        bytes.iter().rposition(|&b| b == b'/')
    } else {
        memchr::memrchr(b'/', bytes)
    };
    match slash {
        // `/` is ASCII: the byte after it starts a character.
        Some(slash) => path.get(slash + 1..).unwrap_or(""),
        None => path,
    }
}

impl<'a> Invocation<'a> {
    /// The static name as written.
    #[inline]
    pub fn name_str(&self) -> Option<&'a str> {
        self.name.and_then(Word::as_str)
    }

    /// The static name without its directory ([`basename`]).
    #[inline]
    pub fn program(&self) -> Option<&'a str> {
        self.name_str().map(basename)
    }

    /// Whether [`Self::program`] is `program`.
    #[inline]
    pub fn is(&self, program: &str) -> bool {
        self.program() == Some(program)
    }

    /// Whether `name` is not the command's own name (a wrapper was looked through).
    pub fn is_wrapped(&self) -> bool {
        match (self.name, self.command.name.as_ref()) {
            (Some(a), Some(b)) => !std::ptr::eq(a, b),
            (None, None) => false,
            _ => true,
        }
    }

    /// The arguments of the command that were skipped as wrapper options or inner wrapper
    /// names: `-E` in `sudo -E apt-get install`, `-E env A=1` in
    /// `sudo -E env A=1 apt-get install` (the outermost wrapper is the command's own
    /// name). Empty when not wrapped.
    pub fn wrapper_words(&self) -> &'a [Word] {
        if !self.is_wrapped() {
            return &[];
        }
        // `args` is a suffix of the command's arguments, and `name` the word before it.
        let skipped = self.command.args.len() - self.args.len();
        &self.command.args[..skipped.saturating_sub(1)]
    }

    /// Looks through every wrapper ([`Self::unwrap_once`] repeatedly).
    pub fn unwrapped(self) -> Invocation<'a> {
        let mut current = self;
        // Bounded: each step consumes at least one word.
        for _ in 0..=self.args.len() {
            match current.unwrap_once() {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    /// Looks through one wrapper, conservatively: returns `None` if `name` is not a
    /// wrapper, if an option of the wrapper is not known or not static, or if no command
    /// follows.
    ///
    /// Wrappers (with the options understood):
    /// `sudo` (`-A -b -E -H -i -k -n -P -S -s`, `-u -g -C -D -p -r -t -T -U` with a value,
    /// the long forms, `--preserve-env[=list]`, then `NAME=value` words),
    /// `env` (`-i`, `-0`, `-v`, `-`, `-u NAME`, `-C DIR` and long forms, then `NAME=value`
    /// words; `-S` is not looked through), `exec` (`-c -l`, `-a NAME`), `nohup`,
    /// `time` (`-p`, and GNU time's `-a -q -v`, `-f FMT`, `-o FILE`), `command` (`-p`;
    /// not with `-v`/`-V`, which only look the name up), `builtin`, `nice` (`-n N`, `-N`,
    /// `--adjustment`), `timeout` (`--preserve-status --foreground -v`, `-s SIG`,
    /// `-k DURATION`, then the duration).
    pub fn unwrap_once(&self) -> Option<Invocation<'a>> {
        let skip = wrappers::wrapped_command_start(self.program()?, self.args)?;
        let name = self.args.get(skip)?;
        Some(Invocation {
            command: self.command,
            name: Some(name),
            args: &self.args[skip + 1..],
        })
    }

    /// The static argument values, `None` for a dynamic argument.
    pub fn arg_values(&self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        self.args.iter().map(Word::as_str)
    }

    /// Whether the option `flag` is given; see [`Self::flag`].
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flag(flag).is_some()
    }

    /// The argument giving the option `flag`, before any `--`:
    /// - a single-letter option (`-y`) is found alone or in a cluster of letters and
    ///   digits (`-qy`, `-yq`), not in `-o=y` nor in `--yes`;
    /// - a long option (`--yes`) is found as `--yes` or `--yes=…`;
    /// - anything else (`-rf`, `-name`) is matched exactly or as `flag=…`.
    ///
    /// Only static arguments are looked at. A cluster is taken as letters, so `-o y`
    /// style options whose value is glued to them (`-oy`) can give false matches.
    pub fn flag(&self, flag: &str) -> Option<&'a Word> {
        self.find_flag(flag).map(|(i, _)| &self.args[i])
    }

    /// The value of the option `flag`, assuming it takes one (as `getopt` reads it):
    /// `--opt=value`, `--opt value`, `-o value`, `-o=value`, `-ovalue`, `-xovalue` (the rest of
    /// the cluster) or `-xo value` (`o` last in a cluster). `None` if the option is absent,
    /// has no value, or its value is not static.
    pub fn flag_value(&self, flag: &str) -> Option<&'a str> {
        let (i, how) = self.find_flag(flag)?;
        let word = self.args[i].as_str()?;
        match how {
            FlagMatch::Exact | FlagMatch::LastInCluster => {
                let next = self.args.get(i + 1)?;
                next.as_str().filter(|v| *v != "--")
            }
            FlagMatch::WithValue(at) => word.get(at..),
        }
    }

    fn find_flag(&self, flag: &str) -> Option<(usize, FlagMatch)> {
        let short = single_letter(flag);
        for (i, word) in self.args.iter().enumerate() {
            let Some(v) = word.as_str() else { continue };
            if v == "--" {
                break;
            }
            if v == flag {
                return Some((i, FlagMatch::Exact));
            }
            if v.len() > flag.len() && v.starts_with(flag) && v.as_bytes()[flag.len()] == b'=' {
                return Some((i, FlagMatch::WithValue(flag.len() + 1)));
            }
            let Some(letter) = short else { continue };
            let Some(cluster) = v.strip_prefix('-') else {
                continue;
            };
            if cluster.len() < 2 || !cluster.bytes().all(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            if let Some(pos) = cluster.find(letter) {
                let after = 1 + pos + letter.len_utf8();
                return Some((
                    i,
                    if after == v.len() {
                        FlagMatch::LastInCluster
                    } else {
                        FlagMatch::WithValue(after)
                    },
                ));
            }
        }
        None
    }

    /// The arguments after the first argument (before any `--`) whose static value is
    /// `subcommand`: for `apt-get -y install curl`, `args_after_subcommand("install")` is
    /// `[curl]`. `None` if there is no such argument.
    pub fn args_after_subcommand(&self, subcommand: &str) -> Option<&'a [Word]> {
        let args = self.args;
        let i = args
            .iter()
            .take_while(|w| w.as_str() != Some("--"))
            .position(|w| w.as_str() == Some(subcommand))?;
        Some(&args[i + 1..])
    }

    /// The arguments that are not options: every argument that is not
    /// [`Word::is_flag`], and every argument after `--`. Values of options (`-o value`)
    /// cannot be told apart from operands and are included.
    pub fn positionals(&self) -> impl Iterator<Item = &'a Word> + 'a {
        let mut after_dashdash = false;
        self.args.iter().filter(move |w| {
            if after_dashdash {
                return true;
            }
            if w.as_str() == Some("--") {
                after_dashdash = true;
                return false;
            }
            !w.is_flag()
        })
    }
}

#[derive(Clone, Copy)]
enum FlagMatch {
    /// The whole argument is the flag.
    Exact,
    /// The flag is followed by `=value` or a glued value starting at this byte.
    WithValue(usize),
    /// The flag's letter is the last of a cluster (`-xo value`).
    LastInCluster,
}

/// `Some('y')` for `-y`.
fn single_letter(flag: &str) -> Option<char> {
    let rest = flag.strip_prefix('-')?;
    let mut chars = rest.chars();
    let c = chars.next()?;
    (chars.next().is_none() && c != '-').then_some(c)
}

impl List {
    fn empty(range: TextRange, script_offset: u32) -> List {
        List {
            items: Vec::new(),
            range,
            script_range: TextRange::empty(script_offset),
        }
    }

    /// Whether the list has no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pipelines, in order.
    pub fn pipelines(&self) -> impl Iterator<Item = &Pipeline> + '_ {
        self.items.iter().map(|i| &i.pipeline)
    }

    /// Every command in the list, nested ones included, in source order.
    pub fn commands<'s>(&self, script: &'s ShellScript) -> &'s [Command] {
        match (self.items.first(), self.items.last()) {
            (Some(first), Some(last)) => {
                script.commands_in(&(first.pipeline.commands.start..last.pipeline.commands.end))
            }
            _ => &[],
        }
    }

    fn collect_lists<'a>(&'a self, out: &mut Vec<&'a List>) {
        out.push(self);
        self.collect_nested_lists(out);
    }

    fn collect_nested_lists<'a>(&'a self, out: &mut Vec<&'a List>) {
        for item in &self.items {
            for element in &item.pipeline.elements {
                if let Statement::Compound(c) = element {
                    c.kind.collect_lists(out);
                }
            }
        }
    }
}

impl CompoundKind {
    fn collect_lists<'a>(&'a self, out: &mut Vec<&'a List>) {
        match self {
            CompoundKind::Subshell(l)
            | CompoundKind::Group(l)
            | CompoundKind::Recovered(l)
            | CompoundKind::For { body: l, .. }
            | CompoundKind::ArithmeticFor { body: l }
            | CompoundKind::Function { body: l, .. } => l.collect_lists(out),
            CompoundKind::If {
                branches,
                else_body,
            } => {
                for b in branches {
                    b.condition.collect_lists(out);
                    b.body.collect_lists(out);
                }
                if let Some(e) = else_body {
                    e.collect_lists(out);
                }
            }
            CompoundKind::While {
                condition, body, ..
            } => {
                condition.collect_lists(out);
                body.collect_lists(out);
            }
            CompoundKind::Case { arms, .. } => {
                for arm in arms {
                    arm.body.collect_lists(out);
                }
            }
            CompoundKind::Arithmetic => {}
        }
    }
}

impl Pipeline {
    /// Whether there are two or more elements.
    pub fn is_piped(&self) -> bool {
        self.elements.len() > 1
    }

    /// Every command in the pipeline, nested ones included, in source order.
    pub fn commands<'s>(&self, script: &'s ShellScript) -> &'s [Command] {
        script.commands_in(&self.commands)
    }

    /// The simple command that is element `index`, if that element is one.
    pub fn command_at<'s>(&self, index: usize, script: &'s ShellScript) -> Option<&'s Command> {
        match self.elements.get(index)? {
            Statement::Command(id) => script.command(*id),
            Statement::Compound(_) => None,
        }
    }

    /// The pairs of adjacent elements that are simple commands: `(writer, reader)` for
    /// each `|` between two simple commands.
    ///
    /// ```
    /// use plimsoll_parser::shell::ShellScript;
    ///
    /// let s = ShellScript::parse_text("curl -fsSL https://x | sh -s -- -y");
    /// let pipe = s.pipelines()[0];
    /// let (from, to) = pipe.piped_commands(&s).next().unwrap();
    /// assert!(from.is("curl") && to.is("sh"));
    /// ```
    pub fn piped_commands<'s>(
        &'s self,
        script: &'s ShellScript,
    ) -> impl Iterator<Item = (&'s Command, &'s Command)> + 's {
        (1..self.elements.len()).filter_map(move |i| {
            Some((self.command_at(i - 1, script)?, self.command_at(i, script)?))
        })
    }
}

impl Statement {
    /// The statement's range in the file.
    pub fn range(&self, script: &ShellScript) -> TextRange {
        match self {
            Statement::Command(id) => script
                .command(*id)
                .map_or_else(TextRange::default, |c| c.range),
            Statement::Compound(c) => c.range,
        }
    }
}

impl Compound {
    /// Every command inside the compound (and in its redirections), in source order.
    pub fn commands<'s>(&self, script: &'s ShellScript) -> &'s [Command] {
        script.commands_in(&self.commands)
    }
}

impl<'a> AndChain<'a> {
    /// The pipelines of the chain, in order.
    pub fn pipelines(&self) -> impl Iterator<Item = &'a Pipeline> + 'a {
        self.items.iter().map(|i| &i.pipeline)
    }

    /// Every command of the chain, nested ones included, in source order.
    pub fn commands(&self) -> &'a [Command] {
        match (self.items.first(), self.items.last()) {
            (Some(first), Some(last)) => self
                .script
                .commands_in(&(first.pipeline.commands.start..last.pipeline.commands.end)),
            _ => &[],
        }
    }

    /// The index in [`Self::commands`] of the first command matching `predicate`.
    pub fn position(&self, predicate: impl FnMut(&Command) -> bool) -> Option<usize> {
        self.commands().iter().position(predicate)
    }

    /// The number of pipelines.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the chain has no pipeline (never the case for chains from
    /// [`ShellScript::and_chains`]).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The chain in the file.
    pub fn range(&self) -> TextRange {
        self.script.to_file_range(self.script_range())
    }

    /// The chain in the script.
    pub fn script_range(&self) -> TextRange {
        match (self.items.first(), self.items.last()) {
            (Some(first), Some(last)) => first
                .pipeline
                .script_range
                .cover(last.pipeline.script_range),
            _ => TextRange::default(),
        }
    }

    /// The connector after the chain's last pipeline (`||`, `;`, `&`, or `None` at the
    /// end of its list).
    pub fn separator(&self) -> Option<Connector> {
        self.items.last().and_then(|i| i.separator)
    }
}
