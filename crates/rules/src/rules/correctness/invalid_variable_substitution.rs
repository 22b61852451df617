use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_env::is_heredoc_marker;
use crate::rules::helpers::expansion::is_onbuild_trigger;
use plimsoll_parser::expand::{Env, Lexer};
use plimsoll_parser::{Arguments, Instruction, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Reports a word that BuildKit cannot expand when it builds the stage: an unsupported
    /// substitution (`${VERSION:latest}`, `${NAME=default}`, `${A.B}`), a `${` without its
    /// `}`, or a quote that is never closed (`ENV GREETING="hello`). The words checked are
    /// those BuildKit expands itself: the arguments of `ENV`, `LABEL`, `ARG`, `WORKDIR`,
    /// `USER`, `VOLUME`, `STOPSIGNAL` and `EXPOSE`, the shell-form sources and destination
    /// of `COPY` and `ADD` with their `--chown` (and `ADD --checksum`), and the image and
    /// `--platform` of `FROM`.
    ///
    /// Commands (`RUN`, `CMD`, `ENTRYPOINT`) are not checked: the shell expands them, with
    /// its own syntax. Errors that depend on the build arguments, such as
    /// `${TOKEN:?must be set}`, are not reported either, nor are the variables of dev
    /// container templates (`${templateOption:imageVariant}`, `${localEnv:HOME}`), which
    /// are replaced before the build. Exec-form (JSON) arguments are not checked.
    ///
    /// ## Why
    /// BuildKit stops the build with `failed to process "…": …`. The substitutions it
    /// knows are `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`,
    /// `${V:?message}`, `${V?message}`, and the pattern forms `${V#p}`, `${V##p}`,
    /// `${V%p}`, `${V%%p}`, `${V/p/r}` and `${V//p/r}`. A shell's `${V:=word}` or
    /// `${V:offset}` is not among them.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ARG VERSION
    /// ENV APP_VERSION=${VERSION:latest}
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ARG VERSION
    /// ENV APP_VERSION=${VERSION:-latest}
    /// ```
    ///
    /// ## Fix
    /// None: the intended substitution is the author's to choose.
    pub struct InvalidVariableSubstitution {
        code: "PL128",
        name: "invalid-variable-substitution",
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[
            Keyword::Add,
            Keyword::Arg,
            Keyword::Copy,
            Keyword::Env,
            Keyword::Expose,
            Keyword::From,
            Keyword::Label,
            Keyword::Stopsignal,
            Keyword::User,
            Keyword::Volume,
            Keyword::Workdir,
        ])],
    }
}

/// Every variable set and not empty: only the syntax of a word can fail.
struct EverySet;

impl Env for EverySet {
    fn get(&self, _name: &str) -> Option<&str> {
        Some("x")
    }
}

impl Rule for InvalidVariableSubstitution {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if is_onbuild_trigger(checker.model, instruction) {
            return;
        }
        let lexer = Lexer::new(checker.model.file.escape);
        let mut problems = Vec::new();
        let mut check = |text: &str, word: &Word| {
            if !text.contains(['$', '\'', '"']) || is_template(text) {
                return;
            }
            // BuildKit stops at the first error of a word (an ARG's name, then its value).
            if problems
                .last()
                .is_some_and(|(range, _)| *range == word.range)
            {
                return;
            }
            if let Err(error) = lexer.process_word(text, &EverySet) {
                // BuildKit names the end of the text as an unsupported modifier.
                let message = error.message.replace(
                    "unsupported modifier (\u{FFFD}) in substitution",
                    "missing '}' in substitution",
                );
                problems.push((word.range, message));
            }
        };
        for (name, flag) in instruction.flags.iter().map(|f| (f.name.as_str(), f)) {
            let expanded = match instruction.keyword {
                Keyword::Copy => name == "chown",
                Keyword::Add => matches!(name, "chown" | "checksum"),
                Keyword::From => name == "platform",
                _ => false,
            };
            if let (true, Some(value), Some(range)) = (expanded, &flag.value, flag.value_range) {
                check(
                    value,
                    &Word {
                        value: value.clone(),
                        range,
                    },
                );
            }
        }
        match &instruction.args {
            Arguments::KeyValues(pairs) => {
                for pair in pairs {
                    check(&pair.key.value, &pair.key);
                    check(&pair.value.value, &pair.value);
                }
            }
            Arguments::Text(word) => check(&word.value, word),
            Arguments::List(words) => match instruction.keyword {
                Keyword::From => {
                    if let Some(image) = words.first() {
                        check(&image.value, image);
                    }
                }
                Keyword::Arg => {
                    for word in words {
                        match word.value.split_once('=') {
                            Some((key, value)) => {
                                check(key, word);
                                check(value, word);
                            }
                            None => check(&word.value, word),
                        }
                    }
                }
                _ => {
                    for word in words.iter().filter(|w| !is_heredoc_marker(instruction, w)) {
                        check(&word.value, word);
                    }
                }
            },
            _ => {}
        }
        for (range, message) in problems {
            checker.report(range, message);
        }
    }
}

/// A dev container template variable (`${templateOption:imageVariant}`,
/// `${localEnv:HOME}`), which the template tool replaces before any build.
fn is_template(text: &str) -> bool {
    ["${templateOption:", "${localEnv:", "${containerEnv:"]
        .iter()
        .any(|prefix| text.contains(prefix))
}
