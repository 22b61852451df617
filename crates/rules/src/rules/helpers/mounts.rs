//! The `--mount` flags of RUN, read once for every rule.

use crate::model::{InstructionId, SemanticModel};
use plimsoll_parser::{Flag, Instruction};

/// One `--mount` of a RUN: its comma-separated `key=value` fields, keys in lowercase as
/// BuildKit takes them, keys and values trimmed. A field without `=` (`ro`) has an empty
/// value.
pub(crate) struct Mount {
    fields: Vec<(String, String)>,
}

impl Mount {
    /// Reads a mount, `value` turning each written value into the one to use.
    fn parse(text: &str, value: impl Fn(&str) -> String) -> Mount {
        let fields = text
            .split(',')
            .map(|field| {
                let (key, written) = field.split_once('=').unwrap_or((field, ""));
                (
                    key.trim().to_ascii_lowercase(),
                    value(written).trim().to_string(),
                )
            })
            .collect();
        Mount { fields }
    }

    /// The value of the last field named one of `keys` (BuildKit keeps the last).
    fn get(&self, keys: &[&str]) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(key, _)| keys.contains(&key.as_str()))
            .map(|(_, value)| value.as_str())
    }

    /// `type`: `bind`, `cache`, `tmpfs`, `secret`, `ssh`; `None` when not written.
    pub(crate) fn kind(&self) -> Option<&str> {
        self.get(&["type"])
    }

    /// Where it is mounted: `target`, `dst` or `destination`.
    pub(crate) fn target(&self) -> Option<&str> {
        self.get(&["target", "dst", "destination"])
    }

    /// What is mounted: `source` or `src`.
    pub(crate) fn source(&self) -> Option<&str> {
        self.get(&["source", "src"])
    }

    /// The stage or image a bind mount reads from.
    pub(crate) fn from(&self) -> Option<&str> {
        self.get(&["from"])
    }
}

/// The `--mount` flags of a RUN with their mounts, values as written.
pub(crate) fn mount_flags(instruction: &Instruction) -> impl Iterator<Item = (&Flag, Mount)> {
    written_mounts(instruction).map(|(flag, text)| (flag, Mount::parse(text, str::to_string)))
}

/// The mounts of a RUN, values as written.
pub(crate) fn mounts(instruction: &Instruction) -> impl Iterator<Item = Mount> + '_ {
    mount_flags(instruction).map(|(_, mount)| mount)
}

/// The mounts of a RUN, values expanded with the variables at `id` (left as written when
/// they cannot be expanded).
pub(crate) fn expanded_mounts<'a>(
    model: &'a SemanticModel,
    id: InstructionId,
    instruction: &'a Instruction,
) -> impl Iterator<Item = Mount> + 'a {
    written_mounts(instruction).map(move |(_, text)| {
        Mount::parse(text, |value| {
            model
                .expand_at(id, value)
                .unwrap_or_else(|| value.to_string())
        })
    })
}

/// The `--mount` flags of a RUN and their values as written.
fn written_mounts(instruction: &Instruction) -> impl Iterator<Item = (&Flag, &str)> {
    instruction
        .flags
        .iter()
        .filter(|flag| flag.name == "mount")
        .filter_map(|flag| Some((flag, flag.value.as_deref()?)))
}

/// Whether the RUN has a `--mount=type=cache` whose target is `dir` or contains it.
pub(crate) fn has_cache_mount(instruction: &Instruction, dir: &str) -> bool {
    mounts(instruction).any(|mount| {
        mount.kind() == Some("cache")
            && mount.target().is_some_and(|t| {
                let t = t.trim_end_matches('/');
                dir == t || dir.starts_with(&format!("{t}/"))
            })
    })
}

/// The targets of the RUN's cache and tmpfs mounts, whose content stays out of the layer
/// (quotes around a target left out).
pub(crate) fn kept_out_targets(instruction: &Instruction) -> impl Iterator<Item = String> + '_ {
    mounts(instruction).filter_map(|mount| {
        let kept_out = matches!(mount.kind(), Some("cache" | "tmpfs"));
        let target = mount.target()?.trim_matches(['"', '\'']);
        kept_out.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(text: &str) -> Mount {
        Mount::parse(text, str::to_string)
    }

    #[test]
    fn fields_are_read_as_buildkit_reads_them() {
        let m = mount("type=cache,Target=/root/.cache, dst = /go ,ro");
        assert_eq!(m.kind(), Some("cache"));
        assert_eq!(m.target(), Some("/go"));
        assert_eq!(m.source(), None);
        let m = mount("type=bind,src=go.mod,from=build,type=cache");
        assert_eq!(m.kind(), Some("cache"));
        assert_eq!(m.source(), Some("go.mod"));
        assert_eq!(m.from(), Some("build"));
    }
}
