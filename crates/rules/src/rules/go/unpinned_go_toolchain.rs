use super::toolchain::{
    is_golang_image, module_file, retag, split_golang_tag, GoVersion, ModuleFile,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, ImageRef, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use plimsoll_parser::expand::Env;
use plimsoll_parser::{Arguments, TextRange};
use std::cmp::Ordering;

declare_rule! {
    /// ## What it does
    /// Reports a stage built on the official `golang` image whose tag does not name a full
    /// Go release `1.N.P`: `golang`, `golang:latest`, `golang:1`, `golang:1.22`,
    /// `golang:alpine`, `golang:1.22-alpine3.20`. When the reference comes from an ARG
    /// (`ARG GO_VERSION=1.22` … `FROM golang:${GO_VERSION}`), the ARG's default is reported.
    /// A digest (`golang:1.22@sha256:…`) pins the image and is not reported.
    ///
    /// When the build context has a `go.mod`, the rule also reports a fully pinned image
    /// older than the module's `go` line, and says which version the module asks for (its
    /// `toolchain` line, else its `go` line).
    ///
    /// ## Why
    /// `golang:1.22` moves to every new patch release, and `golang:alpine` to every new
    /// minor release: the same Dockerfile then compiles with a different toolchain from one
    /// day to the next, and a binary that built yesterday can behave differently, or not
    /// build, today. An image older than the `go` line of `go.mod` cannot build the module
    /// at all: the go command downloads a newer toolchain during the build (when the network
    /// and `GOTOOLCHAIN` allow it) or fails.
    ///
    /// ## Example
    /// ```context
    /// go.mod: module example.com/app\n\ngo 1.23.4\n
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM golang:1.23-alpine AS build
    /// RUN go build -o /app .
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM golang:1.21.5 AS build
    /// RUN go build -o /app .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4-alpine AS build
    /// RUN go build -o /app .
    /// ```
    ///
    /// ## Fix
    /// With a `go.mod` giving a full version, replaces the Go version in the tag with the
    /// one the module asks for, keeping the variant (`1.23-alpine` becomes
    /// `1.23.4-alpine`). The fix is unsafe: it can change the toolchain the image is built
    /// with. Without a `go.mod` there is no fix, nor when the tag names a newer minor
    /// release than the module (`golang:1.24` for a module asking for 1.23.4: pinning would
    /// downgrade): pin the release the code was tested with.
    pub struct UnpinnedGoToolchain {
        code: "PL501",
        name: "unpinned-go-toolchain",
        category: Go,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for UnpinnedGoToolchain {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let module = module_file(checker);
        let mut findings: Vec<Finding> = Vec::new();
        for stage in &model.stages {
            let BaseImage::Image(image) = &stage.base else {
                continue;
            };
            if !is_golang_image(image) || image.digest.is_some() {
                continue;
            }
            let tag = image.tag.as_deref().unwrap_or("latest");
            let (version_text, variant) = split_golang_tag(tag);
            if !is_known_variant(variant) {
                continue;
            }
            let version = match version_text {
                "" => None,
                text => match GoVersion::parse(text) {
                    Some(version) => Some(version),
                    None => continue,
                },
            };
            let wanted = module.as_ref().and_then(|m| m.go_mod.wanted());
            // `golang:1.26` with a module asking for 1.23.4: the module only gives a minimum,
            // and pinning to it would downgrade the toolchain.
            let wanted = wanted.filter(|w| {
                !version
                    .as_ref()
                    .is_some_and(|v| v.minor.is_some() && (v.major, v.minor) > (w.major, w.minor))
            });
            let message = match &version {
                Some(version) if version.is_exact() => {
                    let Some((module, minimum)) = module
                        .as_ref()
                        .and_then(|m| Some((m, m.go_mod.go.as_ref()?)))
                    else {
                        continue;
                    };
                    if version.compare(minimum) != Ordering::Less {
                        continue;
                    }
                    format!(
                        "Go version mismatch: `{}` is older than Go {minimum}, which `{}` \
                         requires; the build downloads a newer toolchain or fails",
                        image.text, module.path
                    )
                }
                _ => match (wanted, &module) {
                    (Some(wanted), Some(ModuleFile { path, .. })) => format!(
                        "`{}` does not pin a full Go version; `{path}` asks for Go {wanted}",
                        image.text
                    ),
                    _ => format!(
                        "`{}` does not pin a full Go version: the toolchain changes with every \
                         release; pin `1.N.P`",
                        image.text
                    ),
                },
            };
            let place = locate_version(checker, stage, image);
            let range = place.as_ref().map_or(stage.base_range, |p| p.report);
            let related = (range != stage.base_range).then(|| {
                (
                    stage.base_range,
                    format!("the default is used for `{}` here", image.text),
                )
            });
            if let Some(finding) = findings.iter_mut().find(|f| f.range == range) {
                finding.related.extend(related);
                continue;
            }
            let fix = match (wanted, &place) {
                (Some(wanted), Some(place)) => {
                    let new_tag = retag(tag, &wanted.to_string());
                    let content = match place.kind {
                        Replacement::Tag => new_tag.clone(),
                        Replacement::AddTag => format!(":{new_tag}"),
                        Replacement::Version => wanted.to_string(),
                        Replacement::VersionBeforeVariant => format!("{wanted}-"),
                    };
                    Some(Fix::unsafe_edit(
                        format!("Pin `{}` to Go {wanted} from go.mod", image.text),
                        vec![Edit::replace(place.edit, content)],
                    ))
                }
                _ => None,
            };
            findings.push(Finding {
                range,
                message,
                related: related.into_iter().collect(),
                fix,
            });
        }
        for finding in findings {
            let diagnostic = checker.report(finding.range, finding.message);
            for (range, note) in finding.related {
                diagnostic.add_related(range, note);
            }
            if let Some(fix) = finding.fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}

struct Finding {
    range: TextRange,
    message: String,
    related: Vec<(TextRange, String)>,
    fix: Option<Fix>,
}

/// Whether a tag's variant is one the `golang` image publishes (so the tag is not a
/// placeholder or a private tag).
fn is_known_variant(variant: &str) -> bool {
    let variant = variant.strip_prefix('-').unwrap_or(variant);
    variant.is_empty()
        || variant.starts_with("alpine")
        || variant.starts_with("windowsservercore")
        || variant.starts_with("nanoserver")
        || matches!(
            variant,
            "bookworm" | "bullseye" | "buster" | "stretch" | "trixie" | "jessie"
        )
}

#[derive(Clone, Copy, Debug)]
enum Replacement {
    /// Replace the whole tag (`latest`).
    Tag,
    /// Insert `:tag` after a name without tag.
    AddTag,
    /// Replace the version part.
    Version,
    /// Insert `version-` before a variant-only tag.
    VersionBeforeVariant,
}

struct Place {
    /// Where to report.
    report: TextRange,
    /// What to replace.
    edit: TextRange,
    kind: Replacement,
}

/// One piece of a FROM reference as written: literal text, or `$NAME`/`${NAME}`.
struct Segment<'a> {
    /// Offset in the written text.
    written: usize,
    /// Offset and length in the expanded text.
    expanded: usize,
    len: usize,
    variable: Option<&'a str>,
}

/// Finds where the Go version of `image`'s tag is written: in the FROM line, or in the
/// default of the ARG the tag comes from. `None` when it cannot be told exactly.
fn locate_version(checker: &Checker<'_>, stage: &Stage, image: &ImageRef) -> Option<Place> {
    let model = checker.model;
    let written = checker.text(stage.base_range);
    let text = image.text.as_str();
    // The part of the expanded reference to replace.
    let name_end = text.find('@').unwrap_or(text.len());
    let slash = text[..name_end].rfind('/').map_or(0, |i| i + 1);
    let (start, end, kind) = match text[slash..name_end].rfind(':') {
        None => (name_end, name_end, Replacement::AddTag),
        Some(colon) => {
            let tag_start = slash + colon + 1;
            let tag = &text[tag_start..name_end];
            let (version, variant) = split_golang_tag(tag);
            if !version.is_empty() {
                (tag_start, tag_start + version.len(), Replacement::Version)
            } else if variant.is_empty() {
                (tag_start, name_end, Replacement::Tag)
            } else {
                (tag_start, tag_start, Replacement::VersionBeforeVariant)
            }
        }
    };
    let segments = segments(written)?;
    let env = model.variables_at(stage.from);
    // Lay the segments over the expanded text and check they give it back.
    let mut expanded = String::new();
    let mut laid = Vec::with_capacity(segments.len());
    for mut segment in segments {
        segment.expanded = expanded.len();
        match segment.variable {
            Some(name) => {
                let value = env.get(name)?;
                segment.len = value.len();
                expanded.push_str(value);
            }
            None => expanded.push_str(written.get(segment.written..segment.written + segment.len)?),
        }
        laid.push(segment);
    }
    if expanded != text {
        return None;
    }
    let inside = |s: &&Segment<'_>| s.expanded <= start && end <= s.expanded + s.len;
    let segment = laid
        .iter()
        .filter(inside)
        .find(|s| s.variable.is_some())
        .or_else(|| laid.iter().find(inside))?;
    let offset = start - segment.expanded;
    let len = end - start;
    match segment.variable {
        None => {
            let at = stage.base_range.start as usize + segment.written + offset;
            Some(Place {
                report: stage.base_range,
                edit: TextRange::from_usize(at, at + len),
                kind,
            })
        }
        Some(name) => {
            let default = arg_default_range(checker, model, stage, name)?;
            let at = default.start as usize + offset;
            Some(Place {
                report: default,
                edit: TextRange::from_usize(at, at + len),
                kind,
            })
        }
    }
}

/// Splits a written reference into literal runs and simple variable references; `None`
/// for anything else (`${A:-x}`, escapes).
fn segments(written: &str) -> Option<Vec<Segment<'_>>> {
    let bytes = written.as_bytes();
    let mut out = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        match bytes[i] {
            b'\\' | b'`' | b'"' | b'\'' => return None,
            b'$' => {
                if literal_start < i {
                    out.push(Segment {
                        written: literal_start,
                        expanded: 0,
                        len: i - literal_start,
                        variable: None,
                    });
                }
                let (name_start, name_end, next) = if bytes.get(i + 1) == Some(&b'{') {
                    let start = i + 2;
                    let mut end = start;
                    while end < bytes.len() && is_name(bytes[end]) {
                        end += 1;
                    }
                    if bytes.get(end) != Some(&b'}') {
                        return None;
                    }
                    (start, end, end + 1)
                } else {
                    let start = i + 1;
                    let mut end = start;
                    while end < bytes.len() && is_name(bytes[end]) {
                        end += 1;
                    }
                    (start, end, end)
                };
                if name_start == name_end || bytes[name_start].is_ascii_digit() {
                    return None;
                }
                out.push(Segment {
                    written: i,
                    expanded: 0,
                    len: 0,
                    variable: Some(written.get(name_start..name_end)?),
                });
                i = next;
                literal_start = next;
            }
            _ => i += 1,
        }
    }
    if literal_start < bytes.len() {
        out.push(Segment {
            written: literal_start,
            expanded: 0,
            len: bytes.len() - literal_start,
            variable: None,
        });
    }
    Some(out)
}

/// The range of the default value of the global ARG `name` that the FROM of `stage` sees,
/// when it is written as is (no variables, no escapes; quotes are left out of the range).
fn arg_default_range(
    checker: &Checker<'_>,
    model: &SemanticModel,
    stage: &Stage,
    name: &str,
) -> Option<TextRange> {
    let variable = model
        .global_args
        .iter()
        .rfind(|v| v.instruction < stage.from && v.name == name)?;
    let value = variable.value.as_deref()?;
    let instruction = model.instruction(variable.instruction);
    let Arguments::List(words) = &instruction.args else {
        return None;
    };
    let word = words
        .iter()
        .rfind(|w| w.value.split_once('=').is_some_and(|(n, _)| n == name))?;
    let written = checker.text(word.range);
    if written != word.value {
        return None;
    }
    let eq = written.find('=')?;
    let mut start = word.range.start as usize + eq + 1;
    let mut default = &written[eq + 1..];
    if default.len() >= 2
        && (default.starts_with('"') || default.starts_with('\''))
        && default.ends_with(&default[..1])
    {
        default = &default[1..default.len() - 1];
        start += 1;
    }
    if default != value || default.contains(['$', '\\', '"', '\'']) {
        return None;
    }
    Some(TextRange::from_usize(start, start + default.len()))
}
