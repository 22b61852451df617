use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::model::InstructionId;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{on_first_line, suggest};
use crate::rules::helpers::buildkit_env::{
    global_args, rename_variable, split_arg, walk_stage, BuildEnv, NON_ENV_ARGS,
};
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange, Word};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a variable that an instruction uses but that is not defined at that point:
    /// no `ENV` or `ARG` before it in the stage (or in the stages it is built on) sets it,
    /// and the base image does not either. When a defined name is at most two edits away,
    /// the message suggests it, as BuildKit does (`did you mean $PATH?`), for the first 100
    /// findings of a stage (BuildKit suggests for all: past that number, the search would
    /// take time quadratic in the length of the stage).
    ///
    /// This is BuildKit's `UndefinedVar` check, with its message. Like BuildKit it looks at
    /// the words BuildKit expands itself: `ENV` and `LABEL` keys and values, `ARG` defaults,
    /// `COPY` and `ADD` sources, destination, `--chown` and `--checksum` and their
    /// here-documents, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL`, and `RUN --mount` options.
    /// The command text of `RUN`, `CMD` and `ENTRYPOINT` is run by a shell, which expands
    /// its variables at run time, and is not checked. An `ARG` without a value declares its
    /// variable: it is never reported, whatever value the build gives it.
    ///
    /// Scoping is BuildKit's: the ARGs before the first `FROM` (and the automatic platform
    /// ARGs such as `TARGETARCH`) are only visible in a stage that declares them again with
    /// `ARG NAME`; the proxy variables (`HTTP_PROXY` …) are only passed to `RUN` and need an
    /// `ARG` too.
    ///
    /// BuildKit also knows the variables of the base image, as it reads the image's
    /// configuration. Plimsoll works offline: it knows them for `scratch` (only `PATH`) and
    /// for a few official images (`alpine`, `busybox`, `debian`, `ubuntu`,
    /// `buildpack-deps`, `golang`, `node`, `python`, `rust`). In a stage built on any
    /// other image it stays silent, since the image may define the variable.
    ///
    /// ## Why
    /// BuildKit expands an undefined variable to an empty string without failing:
    /// `COPY $APP_DIR/config /etc/app` copies `/config`, and `ENV PATH=$PAHT:/app/bin`
    /// replaces the whole `PATH`. A global ARG used in a stage without being declared there
    /// is a common case.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ENV PATH=$PAHT:/app/bin
    /// ```
    ///
    /// ```dockerfile invalid
    /// ARG VERSION=1.2.3
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// ```dockerfile valid
    /// ARG VERSION=1.2.3
    /// FROM alpine:3.20
    /// ARG VERSION
    /// ENV PATH=$PATH:/app/bin
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// ## Fix
    /// When BuildKit suggests a name, renames the variable to it (unsafe: the suggestion is
    /// a guess at what was meant; the variable may instead be meant to be declared).
    pub struct UndefinedVar {
        code: "PL212",
        name: "undefined-var",
        aliases: ["UndefinedVar"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

/// How many findings of a stage get a "did you mean" suggestion.
const MAX_SUGGESTIONS: usize = 100;

/// A word BuildKit expands: its text, where it is, and whether it is a here-document body
/// (expanded without quote processing).
struct Expanded<'a> {
    text: &'a str,
    range: TextRange,
    heredoc: bool,
}

impl Rule for UndefinedVar {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let uses_variables = model
            .file
            .instructions
            .get(stage.instructions.clone())
            .unwrap_or(&[])
            .iter()
            .any(|i| {
                i.original.contains('$') || i.heredocs.iter().any(|h| h.content.contains('$'))
            });
        if !uses_variables {
            return;
        }
        let globals = global_args(model);
        let lexer = Lexer::new(model.file.escape);
        let heredoc_lexer = Lexer {
            skip_process_quotes: true,
            ..Lexer::new('\\')
        };
        let mut found: Vec<(&Instruction, String, TextRange, Option<String>)> = Vec::new();
        // (instruction, name) pairs already reported: once each.
        let mut reported: HashSet<(InstructionId, String)> = HashSet::new();
        walk_stage(model, stage, globals, |id, instruction, env| {
            if !env.base_known() {
                return;
            }
            let mut report = |name: &str, range: TextRange, env: &BuildEnv| {
                if env.is_declared(name)
                    || NON_ENV_ARGS.contains(&name)
                    || !reported.insert((id, name.to_string()))
                {
                    return;
                }
                // Each suggestion compares the name with every variable set: past a
                // number no real stage reaches, finding them would take time quadratic
                // in the stage's length.
                let suggestion = (found.len() < MAX_SUGGESTIONS)
                    .then(|| suggest(name, env.keys(), true))
                    .flatten();
                found.push((instruction, name.to_string(), range, suggestion));
            };
            if instruction.keyword == Keyword::Arg {
                // Each default sees the ARGs before it in the same instruction.
                let Arguments::List(words) = &instruction.args else {
                    return;
                };
                // Only a default with a variable in it can report one (copying the
                // variables for every ARG made a long stage quadratic).
                if !words
                    .iter()
                    .any(|w| split_arg(&w.value).1.is_some_and(|d| d.contains('$')))
                {
                    return;
                }
                let mut check_default = |word: &Word, env: &BuildEnv| {
                    if let (_, Some(default)) = split_arg(&word.value) {
                        if let Some(expansion) = env.expand(&lexer, default) {
                            for name in &expansion.unmatched {
                                report(name, word.range, env);
                            }
                        }
                    }
                };
                // A single ARG sees the variables as they are; several in one instruction
                // each see those before them, declared on a copy.
                if let [word] = words.as_slice() {
                    check_default(word, env);
                    return;
                }
                let mut env = env.clone();
                for word in words {
                    check_default(word, &env);
                    env.declare_arg(&word.value, globals, &lexer);
                }
                return;
            }
            for word in expanded_words(instruction) {
                let lexer = if word.heredoc { &heredoc_lexer } else { &lexer };
                if let Some(expansion) = env.expand(lexer, word.text) {
                    for name in &expansion.unmatched {
                        report(name, word.range, env);
                    }
                }
            }
        });
        for (instruction, name, range, suggestion) in found {
            let mut message = format!("Usage of undefined variable '${name}'");
            if let Some(suggestion) = &suggestion {
                message.push_str(&format!(" (did you mean ${suggestion}?)"));
            }
            let escape = if instruction.heredocs.iter().any(|h| h.body_range == range) {
                '\\'
            } else {
                model.file.escape
            };
            let fix = suggestion.and_then(|suggestion| {
                let edits =
                    rename_variable(checker.text(range), range.start, &name, &suggestion, escape);
                (!edits.is_empty()).then(|| {
                    Fix::unsafe_edit(format!("Rename `${name}` to `${suggestion}`"), edits)
                })
            });
            let range = on_first_line(checker, instruction, range);
            let diagnostic = checker.report(range, message);
            if let Some(fix) = fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}

/// The words of an instruction that BuildKit expands before running it (ARG aside), those
/// with a `$` only.
fn expanded_words(instruction: &Instruction) -> Vec<Expanded<'_>> {
    let mut words = Vec::new();
    collect_words(instruction, &mut words);
    words
}

fn collect_words<'a>(instruction: &'a Instruction, words: &mut Vec<Expanded<'a>>) {
    let mut push = |text: &'a str, range: TextRange, heredoc: bool| {
        if text.contains('$') {
            words.push(Expanded {
                text,
                range,
                heredoc,
            });
        }
    };
    let flag = |name: &str| {
        instruction
            .flag(name)
            .and_then(|f| Some((f.value.as_deref()?, f.value_range?)))
    };
    match instruction.keyword {
        Keyword::Env | Keyword::Label => {
            if let Arguments::KeyValues(pairs) = &instruction.args {
                for pair in pairs {
                    push(&pair.key.value, pair.key.range, false);
                    push(&pair.value.value, pair.value.range, false);
                }
            }
        }
        Keyword::Copy | Keyword::Add => {
            let flags: &[&str] = if instruction.keyword == Keyword::Add {
                &["chown", "checksum"]
            } else {
                &["chown"]
            };
            for name in flags {
                if let Some((value, range)) = flag(name) {
                    push(value, range, false);
                }
            }
            if let Arguments::List(list) | Arguments::Exec(list) = &instruction.args {
                for word in list {
                    push(&word.value, word.range, false);
                }
            }
            for heredoc in instruction.heredocs.iter().filter(|h| h.expand) {
                push(&heredoc.content, heredoc.body_range, true);
            }
        }
        Keyword::Workdir | Keyword::User | Keyword::Stopsignal => {
            if let Arguments::Text(word) = &instruction.args {
                push(&word.value, word.range, false);
            }
        }
        Keyword::Volume => {
            if let Arguments::List(list) | Arguments::Exec(list) = &instruction.args {
                for word in list {
                    push(&word.value, word.range, false);
                }
            }
        }
        Keyword::Run => {
            for mount in instruction.flags.iter().filter(|f| f.name == "mount") {
                let (Some(value), Some(range)) = (&mount.value, mount.value_range) else {
                    continue;
                };
                for field in value.split(',') {
                    if let Some((_, value)) = field.split_once('=') {
                        push(value, range, false);
                    }
                }
            }
        }
        _ => {}
    }
}
