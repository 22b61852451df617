//! Parse throughput over the shared real-world corpus (`cargo bench --bench parse`).
//!
//! Reports MB/s for the whole parser (line splitter, argument parsers and the BuildKit
//! instruction checks) and for BuildKit's dump on top of it. RUN scripts are not parsed as
//! shell here: the shell model is built on demand by the rules that need it.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;

fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let manifest = match std::fs::read_to_string(dir.join("MANIFEST.tsv")) {
        Ok(m) => m,
        Err(_) => {
            eprintln!("SKIPPED: ../shared/corpus not found; benchmarking a synthetic file");
            return vec![include_str!("../examples/go-service/Dockerfile").repeat(200)];
        }
    };
    manifest
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .map(|rel| String::from_utf8_lossy(&std::fs::read(dir.join(rel)).unwrap()).into_owned())
        .collect()
}

fn parse_corpus(c: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(String::len).sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("parse", |b| {
        b.iter(|| {
            for text in &files {
                black_box(plimsoll_parser::parse(black_box(text)));
            }
        })
    });
    group.bench_function("parse+dump", |b| {
        b.iter(|| {
            for text in &files {
                black_box(plimsoll_parser::parse(black_box(text)).dump());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_corpus);
criterion_main!(benches);
