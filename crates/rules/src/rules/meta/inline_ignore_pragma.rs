use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::suppression::{Dialect, Suppressions};
use plimsoll_parser::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports inline ignore pragmas: hadolint's `# hadolint ignore=…` and
    /// `# hadolint global ignore=…`, and Plimsoll's own `# plimsoll ignore=…`,
    /// `# plimsoll stage ignore=…` and `# plimsoll global ignore=…`. Other comments,
    /// hadolint's other pragmas (`# hadolint shell=…`) and BuildKit's `# check=` directives
    /// are not reported. Off by default, as in hadolint.
    ///
    /// ## Why
    /// A team that wants every exception to a rule in one reviewed place, the
    /// configuration file (`ignore` in `plimsoll.toml`, `ignored` in `.hadolint.yaml`),
    /// turns this rule on so that exceptions do not spread through the Dockerfiles one
    /// comment at a time. Plimsoll's pragmas are reported too: they are inline ignores in
    /// the same way.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// # curl is pinned by the snapshot mirror
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// None: removing the pragma brings back the findings it hides; move the exception to
    /// the configuration, or fix the findings.
    pub struct InlineIgnorePragma {
        code: "DL1001",
        name: "inline-ignore-pragma",
        category: Meta,
        severity: Style,
        enabled: false,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for InlineIgnorePragma {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let whole = [TextRange::new(0, model.file.len)];
        let suppressions = Suppressions::collect(&model.file, checker.source, &whole);
        for suppression in &suppressions.list {
            let tool = match suppression.dialect {
                Dialect::Hadolint => "hadolint",
                Dialect::Plimsoll => "plimsoll",
                Dialect::BuildKit => continue,
            };
            // The comment: from its `#` to the end of its line.
            let Some(comment) = model
                .file
                .comments
                .iter()
                .find(|c| suppression.line_range.contains_range(c.range))
            else {
                continue;
            };
            checker.report(
                comment.range,
                format!(
                    "Please refrain from using inline ignore pragmas `# {tool} ignore=…`: \
                     ignore rules in the configuration file"
                ),
            );
        }
    }
}
