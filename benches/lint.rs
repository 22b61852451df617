//! Lint speed (`cargo bench --bench lint`): one typical Dockerfile with its build context in
//! memory (the number to quote is microseconds per file), and the whole shared corpus.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plimsoll_rules::{lint, LintOptions, MemoryContext, Settings};
use std::hint::black_box;
use std::path::Path;

const TYPICAL: &str = include_str!("../examples/go-service/Dockerfile");

fn typical_file(c: &mut Criterion) {
    let context = MemoryContext::new([
        ("Dockerfile", TYPICAL),
        ("go.mod", "module example.com/api\n\ngo 1.23.4\n"),
        ("cmd/api/main.go", "package main\n"),
        (".env", "TOKEN=x\n"),
    ]);
    let settings = Settings::default();
    let options = LintOptions::new(&settings).with_context(&context, Some("Dockerfile"));
    c.bench_function("lint/typical-go-service", |b| {
        b.iter(|| black_box(lint(black_box(TYPICAL), &options)))
    });
    let bare = LintOptions::new(&settings);
    c.bench_function("lint/typical-go-service-no-context", |b| {
        b.iter(|| black_box(lint(black_box(TYPICAL), &bare)))
    });
}

fn corpus(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
        eprintln!("SKIPPED: ../shared/corpus not found; corpus lint benchmark not run");
        return;
    };
    let files: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter_map(|rel| std::fs::read(dir.join(rel)).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    let bytes: usize = files.iter().map(String::len).sum();
    let settings = Settings::default();
    let options = LintOptions::new(&settings);
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("lint (one thread, no context)", |b| {
        b.iter(|| {
            for text in &files {
                black_box(lint(black_box(text), &options));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, typical_file, corpus);
criterion_main!(benches);
