//! Hover: rule documentation on a finding, instruction and flag documentation, the value of
//! a variable, and a base image taken apart.

use crate::document::Analysis;
use crate::instruction_docs::instruction_doc;
use crate::symbols::variable_uses;
use plimsoll_parser::{Instruction, TextRange};
use plimsoll_rules::find_meta;
use plimsoll_rules::model::{BaseImage, ImageRef};

/// The hover text at `offset` and the range it is about.
pub fn hover(analysis: &Analysis, text: &str, offset: u32) -> Option<(String, TextRange)> {
    let mut sections = Vec::new();
    let mut range: Option<TextRange> = None;
    let mut about = |section: String, at: TextRange, sections: &mut Vec<String>| {
        sections.push(section);
        range = Some(range.map_or(at, |r| r.cover(at)));
    };

    let mut seen = Vec::new();
    for diagnostic in analysis
        .diagnostics
        .iter()
        .filter(|d| d.range.start <= offset && offset <= d.range.end)
    {
        if seen.contains(&diagnostic.code) {
            continue;
        }
        seen.push(diagnostic.code);
        if let Some(meta) = find_meta(diagnostic.code) {
            about(
                format!(
                    "**{}** `{}`\n\n{}",
                    meta.code,
                    meta.name,
                    meta.documentation()
                ),
                diagnostic.range,
                &mut sections,
            );
        }
    }

    let model = &analysis.model;
    if let Some((id, instruction)) = instruction_at(&model.file.instructions, offset) {
        let instruction = innermost(instruction, offset);
        if instruction.keyword_range.touches(offset) {
            if let Some(doc) = instruction_doc(instruction.keyword) {
                about(doc.markdown(), instruction.keyword_range, &mut sections);
            }
        }
        for flag in &instruction.flags {
            if flag.name_range.touches(offset) {
                let doc = instruction_doc(instruction.keyword).and_then(|doc| doc.flag(&flag.name));
                if let Some(doc) = doc {
                    about(
                        format!("`--{}`: {doc}", flag.name),
                        flag.name_range,
                        &mut sections,
                    );
                }
            }
        }
        for (name, at) in variable_uses(text, instruction.range, model.file.escape) {
            if at.touches(offset) {
                let value = model
                    .variables_at(id)
                    .0
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == name)
                    .map(|(_, value)| value.clone());
                let section = match value {
                    Some(value) => format!("`{name}` = `{value}` here"),
                    None => format!("`{name}` has no value here (it comes from `--build-arg`, the base image or the shell)"),
                };
                about(section, at, &mut sections);
            }
        }
        for stage in model.stages.iter().filter(|s| s.from == id) {
            if stage.base_range.touches(offset) {
                let section = match &stage.base {
                    BaseImage::Image(image) => image_parts(image),
                    BaseImage::Stage(parent) => model
                        .stages
                        .get(*parent)
                        .map_or_else(String::new, |parent| {
                            format!("Built on stage {}", parent.display_name())
                        }),
                    BaseImage::Scratch => {
                        "`scratch`: an empty image, with no shell, no libc and no certificates"
                            .to_string()
                    }
                    BaseImage::Unresolved(text) => {
                        format!("`{text}`: depends on a build argument without a default")
                    }
                };
                if !section.is_empty() {
                    about(section, stage.base_range, &mut sections);
                }
            }
        }
    }
    let range = range?;
    Some((sections.join("\n\n---\n\n"), range))
}

/// The instruction (and its index) whose range holds `offset`.
pub fn instruction_at(instructions: &[Instruction], offset: u32) -> Option<(usize, &Instruction)> {
    let index = instructions.partition_point(|i| i.range.end < offset);
    instructions
        .get(index)
        .filter(|i| i.range.start <= offset)
        .map(|i| (index, i))
}

/// ONBUILD's registered instruction when `offset` is in it, else the instruction itself.
fn innermost(instruction: &Instruction, offset: u32) -> &Instruction {
    match instruction.onbuild_child() {
        Some(child) if child.keyword_range.start <= offset => child,
        _ => instruction,
    }
}

fn image_parts(image: &ImageRef) -> String {
    let mut out = format!("**Image** `{}`\n\n", image.text);
    let registry = image
        .registry
        .as_deref()
        .unwrap_or("docker.io (Docker Hub)");
    out.push_str(&format!(
        "- registry: `{registry}`\n- repository: `{}`\n",
        image.repository
    ));
    match (&image.tag, &image.digest) {
        (Some(tag), _) => out.push_str(&format!("- tag: `{tag}`\n")),
        (None, None) => out.push_str("- tag: none (`latest` is used)\n"),
        (None, Some(_)) => {}
    }
    if let Some(digest) = &image.digest {
        out.push_str(&format!("- digest: `{digest}`\n"));
    }
    if image.from_variable {
        out.push_str("\nResolved from build-argument defaults.\n");
    }
    out
}
