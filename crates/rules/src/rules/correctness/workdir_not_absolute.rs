use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::go::toolchain::{base_workdir, is_windows_stage, join_path, workdir_at};
use crate::rules::helpers::expansion::{expand_word, is_onbuild_trigger};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` whose path is relative: it neither starts with `/` nor is a
    /// Windows path (`C:\app`, `C:/app`, `\app`). Variables are expanded with the ARG and
    /// ENV values in scope, so `WORKDIR $APP_DIR` is reported when `APP_DIR` is `app`; a
    /// path that uses a variable without a value is not judged.
    ///
    /// ## Why
    /// A relative `WORKDIR` is joined to the working directory in effect, which comes from
    /// the previous `WORKDIR` or, without one, from the base image. Reading the Dockerfile
    /// no longer tells where the files go, and a base image that changes its own
    /// `WORKDIR` moves them. An absolute path says where the instruction leads.
    ///
    /// Unlike BuildKit's `WorkdirRelativePath` (PL211), which only reports a relative path
    /// when no `WORKDIR` was set before, this is hadolint's rule: every relative `WORKDIR`
    /// is reported. Unlike hadolint, a path written with a variable is judged by its value.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// WORKDIR /srv
    /// WORKDIR app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// ARG APP_DIR=/srv/app
    /// WORKDIR $APP_DIR
    /// WORKDIR /srv/app/public
    /// ```
    ///
    /// ## Fix
    /// Replaces the relative path with the absolute path it leads to, when the working
    /// directory before it is known: an earlier absolute `WORKDIR` of the stage or of the
    /// stages it is built on, or the base image's own (`/` for `scratch`). The fix is safe:
    /// the instruction goes to the same directory. It is offered for a path written without
    /// quotes or variables, and not for Windows images or `ONBUILD`. When the base image's
    /// working directory is unknown, the path it would be if that were `/` is shown as a
    /// suggestion only.
    pub struct WorkdirNotAbsolute {
        code: "DL3000",
        name: "workdir-not-absolute",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Workdir])],
    }
}

impl Rule for WorkdirNotAbsolute {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let Arguments::Text(word) = &instruction.args else {
            return;
        };
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        let Some(value) = expand_word(model, id, &word.value) else {
            return;
        };
        // A quote in the value comes from an ENV value the model keeps quoted: not judged.
        if value.is_empty() || is_absolute(&value) || value.contains(['"', '\'']) {
            return;
        }
        let written = checker.text(word.range);
        let message = if written == value {
            format!(
                "Use absolute WORKDIR: `{value}` is relative to the working directory in effect"
            )
        } else {
            format!(
                "Use absolute WORKDIR: `{written}` is `{value}`, relative to the working \
                 directory in effect"
            )
        };
        let diagnostic = checker.report(word.range, message);
        let literal = value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@' | ',')
        });
        let Some(stage) = model.stage_of(id) else {
            return;
        };
        if written != value
            || !literal
            || is_onbuild_trigger(model, instruction)
            || is_windows_stage(model, stage.index)
        {
            return;
        }
        let before = workdir_at(model, stage.index, id, base_workdir(model, stage.index));
        let fix = match before {
            Some(dir) => {
                let path = join_path(&dir, &value);
                Fix::safe(
                    format!("Write the absolute path `{path}`"),
                    vec![Edit::replace(word.range, path)],
                )
            }
            None => {
                let path = join_path("/", &value);
                Fix::display_only(
                    format!("Write `{path}` (if the base image's working directory is `/`)"),
                    vec![Edit::replace(word.range, path)],
                )
            }
        };
        diagnostic.set_fix(fix);
    }
}

/// Whether a WORKDIR path is absolute: `/…`, or on Windows `\…`, `C:\…`, `C:/…`, `C:`.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}
