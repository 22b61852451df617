//! What a rule sees while it runs: the model, the source, the build context, its options,
//! and where to report.

use crate::context::ContextView;
use crate::diagnostic::Diagnostic;
use crate::model::SemanticModel;
use crate::registry::RuleMeta;
use crate::settings::Settings;
use plimsoll_parser::TextRange;

/// The state handed to a rule's hooks.
pub struct Checker<'a> {
    /// The semantic model of the file.
    pub model: &'a SemanticModel,
    /// The Dockerfile text.
    pub source: &'a str,
    /// The build context, when there is one.
    pub context: Option<&'a ContextView<'a>>,
    /// The settings in effect.
    pub settings: &'a Settings,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// The running rule's metadata.
    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// Reports a finding of the running rule; the returned diagnostic can take a fix and
    /// related places.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(self.rule, range, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// The text of a file range (empty when out of bounds).
    pub fn text(&self, range: TextRange) -> &'a str {
        self.source.get(range.as_usize()).unwrap_or("")
    }

    /// The running rule's options from the settings (`[rules.CODE]` in `plimsoll.toml`).
    pub fn options(&self) -> Option<&'a serde_json::Value> {
        self.settings.rule_options(self.rule)
    }

    /// The offset of the start of the line containing `offset`.
    pub fn line_start(&self, offset: u32) -> u32 {
        let offset = (offset as usize).min(self.source.len());
        self.source[..offset].rfind('\n').map_or(0, |i| i + 1) as u32
    }

    /// The offset just after the line break ending the line containing `offset` (the end of
    /// the file when it has none).
    pub fn next_line_start(&self, offset: u32) -> u32 {
        let offset = (offset as usize).min(self.source.len());
        self.source[offset..]
            .find('\n')
            .map_or(self.source.len(), |i| offset + i + 1) as u32
    }

    /// The indentation of the line containing `offset`.
    pub fn indentation(&self, offset: u32) -> &'a str {
        let start = self.line_start(offset) as usize;
        let line = &self.source[start..];
        let width = line.len() - line.trim_start_matches([' ', '\t']).len();
        &line[..width]
    }

    /// The line break the file uses (`\r\n` when its first line ends so).
    pub fn line_break(&self) -> &'static str {
        match self.source.find('\n') {
            Some(i) if i > 0 && self.source.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}
