use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line};
use crate::rules::helpers::buildkit_env::{global_args, walk_stage};
use crate::rules::helpers::stages::stage_chain;
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::{Arguments, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the first `WORKDIR` of a stage that is a relative path, when no absolute
    /// `WORKDIR` was set before in the stage or in the stages it is built on. Later relative
    /// `WORKDIR`s are not reported: fixing the first one fixes them.
    ///
    /// This is BuildKit's `WorkdirRelativePath` check, with its message. The path is judged
    /// after variable expansion; when it depends on a variable whose value is not known
    /// (a build argument without default, a variable of the base image), the rule stays
    /// silent. A Windows path (`C:\app`, `\app`) counts as absolute.
    ///
    /// ## Why
    /// A relative `WORKDIR` is relative to the working directory of the base image, which
    /// the Dockerfile does not control: `WORKDIR app` is `/app` on one image and
    /// `/usr/src/app` on another, and it changes when the base image changes its own
    /// `WORKDIR`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27 AS web
    /// WORKDIR usr/share/nginx/html
    /// COPY public .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27 AS web
    /// WORKDIR /usr/share/nginx/html
    /// COPY public .
    /// ```
    ///
    /// ## Fix
    /// In a stage built on `scratch` (whose working directory is `/`), prefixes the path
    /// with `/` (safe: the directory is the same). For other base images no fix is offered,
    /// as the intended absolute path depends on the image.
    pub struct WorkdirRelativePath {
        code: "PL211",
        name: "workdir-relative-path",
        aliases: ["WorkdirRelativePath"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for WorkdirRelativePath {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let has_workdir = |s: &Stage| {
            s.instructions
                .clone()
                .any(|id| model.instruction(id).keyword == Keyword::Workdir)
        };
        let own = model
            .file
            .instructions
            .get(stage.instructions.clone())
            .unwrap_or(&[]);
        if !own.iter().any(|i| i.keyword == Keyword::Workdir)
            || stage_chain(model, stage)
                .iter()
                .skip(1)
                .any(|s| has_workdir(s))
        {
            return;
        }
        let from_scratch = *stage.root_base(model) == BaseImage::Scratch;
        let globals = global_args(model);
        let lexer = Lexer::new(model.file.escape);
        let mut first = None;
        walk_stage(model, stage, globals, |_, instruction, env| {
            if first.is_some() || instruction.keyword != Keyword::Workdir {
                return;
            }
            let Arguments::Text(word) = &instruction.args else {
                first = Some(None);
                return;
            };
            let expansion = env.expand(&lexer, &word.value);
            let path = match &expansion {
                Some(e) if e.value.starts_with('/') || env.is_certain(e) => Some(e.value.clone()),
                _ => None,
            };
            first = Some(path.map(|p| (instruction, word, p)));
        });
        let Some(Some((instruction, word, path))) = first else {
            return;
        };
        if is_absolute(&path) {
            return;
        }
        let message = format!(
            "Relative workdir {} can have unexpected results if the base image changes",
            go_quote(&path)
        );
        let literal = checker.text(word.range) == word.value && !word.value.contains('$');
        let range = on_first_line(checker, instruction, word.range);
        let diagnostic = checker.report(range, message);
        if from_scratch && literal {
            diagnostic.set_fix(Fix::safe(
                "Make the path absolute",
                vec![Edit::insert(word.range.start, "/")],
            ));
        }
    }
}

/// BuildKit's `system.IsAbs`; a Windows path (`C:\app`, `\app`) counts as absolute on any
/// OS, as such a Dockerfile is meant for Windows.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    path.starts_with('/') || path.starts_with('\\') || drive
}
