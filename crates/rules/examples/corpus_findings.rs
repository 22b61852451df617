//! Prints one rule's findings on a folder of real Dockerfiles, for false-positive review.
//!
//! ```text
//! cargo run --release -p plimsoll-rules --example corpus_findings -- CODE [MAX] [DIR]
//! ```
//!
//! DIR defaults to `../shared/corpus/files`; each Dockerfile is linted with its own folder
//! as build context, with the default rules plus CODE. MAX (default 40) findings are shown,
//! spread over the repositories, then the totals.

use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::{lint, FsContext, LintOptions, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn main() {
    let mut args = std::env::args().skip(1);
    let code = args
        .next()
        .expect("usage: corpus_findings CODE [MAX] [DIR]");
    let max: usize = args.next().and_then(|m| m.parse().ok()).unwrap_or(40);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files")
    });
    let settings = Settings {
        extend_select: vec![code.clone()],
        ..Settings::default()
    };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut per_repo: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut total = 0;
    let mut files_hit = 0;
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes);
        let folder = file.parent().unwrap();
        let context = FsContext::new(folder);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let options = LintOptions::new(&settings).with_context(&context, Some(&name));
        let result = lint(&source, &options);
        let index = LineIndex::new(&source);
        let mut hit = false;
        for d in result
            .diagnostics
            .iter()
            .filter(|d| d.code.eq_ignore_ascii_case(&code) || d.name == code)
        {
            total += 1;
            hit = true;
            let at = index.line_col(d.range.start, PositionEncoding::Utf8);
            let line = source.lines().nth(at.line as usize).unwrap_or("").trim();
            let repo = folder.file_name().unwrap().to_string_lossy().to_string();
            let fix = d
                .fix
                .as_ref()
                .map(|f| format!("\n      fix ({}): {}", f.applicability.as_str(), f.title))
                .unwrap_or_default();
            per_repo.entry(repo).or_default().push(format!(
                "{}:{}: {}\n      | {}{}",
                file.strip_prefix(&dir).unwrap_or(file).display(),
                at.line + 1,
                d.message,
                line.chars().take(160).collect::<String>(),
                fix
            ));
        }
        files_hit += usize::from(hit);
    }
    // Round-robin over repositories so near-identical official-image variants do not fill
    // the sample.
    let mut shown = 0;
    let mut round = 0;
    while shown < max {
        let mut any = false;
        for findings in per_repo.values() {
            if let Some(f) = findings.get(round) {
                println!("{f}");
                shown += 1;
                any = true;
                if shown >= max {
                    break;
                }
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    println!(
        "\n{code}: {total} findings in {files_hit} of {} files, {} repositories",
        files.len(),
        per_repo.len()
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
