use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::top_level_id;
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a comment right above a named `FROM … AS name` or an `ARG` that does not
    /// start with the stage's or the argument's name. This is BuildKit's
    /// `InvalidDefinitionDescription` check, with its message.
    ///
    /// The check is experimental in BuildKit and off by default here too. It runs when
    /// selected in the settings, or, as in BuildKit, when the file turns it on with the
    /// parser directive `# check=experimental=InvalidDefinitionDescription` (or
    /// `experimental=all`).
    ///
    /// As in BuildKit, the comment is the last line of the comment block directly above
    /// the instruction; a bare `#` line ends a block, an empty line does not. For an `ARG`
    /// that declares several arguments, any of their names will do.
    ///
    /// ## Why
    /// `docker buildx build --call=outline` and `--call=targets` show such comments as the
    /// description of the build argument or target, when they start with its name
    /// (`# VERSION sets the release to build`). A comment that does not is either a
    /// description with a typo, which the tools then do not show, or an ordinary comment
    /// that the reader may take for one.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// # The Go toolchain to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// ```dockerfile valid
    /// # GO_VERSION is the Go toolchain to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// ```dockerfile valid
    /// # The Go toolchain to build with
    /// #
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// ## Fix
    /// None: whether the comment is a description to correct or an ordinary comment to set
    /// apart with a `#` line is the author's call.
    pub struct InvalidDefinitionDescription {
        code: "PL207",
        name: "invalid-definition-description",
        aliases: ["InvalidDefinitionDescription"],
        category: Style,
        severity: Info,
        enabled: false,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::From, Keyword::Arg])],
    }
}

impl Rule for InvalidDefinitionDescription {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        if top_level_id(model, instruction).is_none() {
            return;
        }
        let Some(comment) = instruction.prev_comment.last() else {
            return;
        };
        let Arguments::List(words) = &instruction.args else {
            return;
        };
        let (kind, names): (&str, Vec<String>) = match instruction.keyword {
            Keyword::From => match words.as_slice() {
                [_, as_word, name] if as_word.value.eq_ignore_ascii_case("as") => {
                    ("FROM", vec![name.value.to_lowercase()])
                }
                _ => return,
            },
            _ => (
                "ARG",
                words
                    .iter()
                    .map(|w| {
                        w.value
                            .split_once('=')
                            .map_or(w.value.as_str(), |(key, _)| key)
                            .to_string()
                    })
                    .collect(),
            ),
        };
        let first_word = comment.split(' ').next().unwrap_or("");
        if names.is_empty() || names.iter().any(|name| name == first_word) {
            return;
        }
        let example = match names.as_slice() {
            [only] => only.as_str(),
            _ => "<arg_key>",
        };
        let message =
            format!("Comment for {kind} should follow the format: `# {example} <description>`");
        let above = model
            .file
            .comments
            .iter()
            .rev()
            .find(|c| c.range.end <= instruction.range.start && !c.in_continuation)
            .map(|c| c.range);
        let diagnostic = checker.report(instruction.keyword_range, message);
        if let Some(range) = above {
            diagnostic.add_related(range, "the description comment");
        }
    }
}
