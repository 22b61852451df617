//! Each stage of a check, on a small, a typical and a 1,000-line Dockerfile
//! (`cargo bench --bench pipeline`): parsing, the semantic model, linting and fixing.
//!
//! RUN scripts parsed before come from the shell parser's cache, so the model and lint are
//! measured twice: `cold`, with the cache emptied before each iteration (a file seen for
//! the first time), and `keystroke`, where one RUN line differs from the previous
//! iteration and the others are cached (what the language server does as you type).
//!
//! - small: `examples/go-service/Dockerfile` (14 lines), with its build context in memory;
//! - typical: a 40-line multi-stage build, about the median size of real Dockerfiles;
//! - 1000-lines: a generated multi-stage file with the kinds of lines real ones have (the
//!   file `scripts/lsp-latency` edits is made the same way).
//!
//! `lint/long-stage/20000-env` lints one stage of 20,000 `ENV Kn=v` lines. Linting must stay
//! linear in the length of a stage: a rule or helper that copies the variables in scope at
//! every instruction, or scans the stage back from every instruction, makes this case
//! quadratic: seconds to minutes, where linear takes tens of milliseconds in a release
//! build (about 20 times the 1000-lines sample, for 20 times the lines).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use plimsoll_parser::shell::clear_parse_cache;
use plimsoll_rules::{
    apply_fixes, lint, Applicability, LintOptions, MemoryContext, SemanticModel, Settings,
};
use std::hint::black_box;
use std::time::Duration;

const SMALL: &str = include_str!("../examples/go-service/Dockerfile");

const TYPICAL: &str = r#"# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ web/
RUN npm run build && \
    rm -rf node_modules/.cache

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && \
    apt-get install -y --no-install-recommends build-essential libpq-dev && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt
COPY . .
RUN python -m compileall -q app

FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.source="https://github.com/example/shop" \
      org.opencontainers.image.licenses="MIT"
RUN apt-get update && apt-get install -y libpq5 curl && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && useradd --system --gid app --home /app app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --from=build /src/app /app/app
COPY --from=assets /app/dist /app/static
WORKDIR /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
ENV PORT=8000
ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000"]
CMD ["app.wsgi:application"]
"#;

/// A deterministic 1,000-line multi-stage Dockerfile: stages of about 120 lines, each line
/// one of the kinds real files have (ENV, COPY --from, RUN with a continuation, comments
/// with non-ASCII text, cache mounts, LABEL, ARG, short RUNs).
fn thousand_lines() -> String {
    let mut lines = vec![
        "# syntax=docker/dockerfile:1".to_string(),
        "ARG GO_VERSION=1.23.4".to_string(),
        "ARG ALPINE=3.20".to_string(),
    ];
    let mut stage = 0;
    // A small linear congruential generator: the same file on every machine.
    let mut state: u64 = 7;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % 8
    };
    while lines.len() < 999 {
        let n = lines.len();
        if stage == 0 || n % 120 == 0 {
            lines.push(format!(
                "FROM golang:${{GO_VERSION}}-alpine AS build{stage}"
            ));
            lines.push("WORKDIR /src".to_string());
            stage += 1;
            continue;
        }
        match next() {
            0 => lines.push(format!("ENV VAR_{n}=value_{n} PATH_{n}=/opt/bin{n}")),
            1 => lines.push(format!(
                "COPY --from=build{} /out/{n} /app/{n}",
                stage.max(2) - 2
            )),
            2 => {
                lines.push(format!(
                    "RUN apk add --no-cache curl=8.{}.0-r0 git && \\",
                    n % 10
                ));
                lines.push(format!(
                    "    curl -fsSL https://example.com/{n}.tar.gz | tar -xz -C /opt"
                ));
            }
            3 => lines.push(format!("# step {n}: 中文注释 😀")),
            4 => lines.push(format!(
                "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/{n} ./cmd/{n}"
            )),
            5 => lines.push(format!(
                "LABEL org.opencontainers.image.revision{n}=\"{n:x}\""
            )),
            6 => lines.push(format!("ARG FLAG_{n}=on")),
            _ => lines.push(format!("RUN echo $VAR_{} && ls /app", n - 1)),
        }
    }
    lines.truncate(999);
    lines.push("CMD [\"/app/server\"]".to_string());
    lines.join("\n") + "\n"
}

struct Sample {
    name: &'static str,
    text: String,
}

fn samples() -> Vec<Sample> {
    vec![
        Sample {
            name: "small",
            text: SMALL.to_string(),
        },
        Sample {
            name: "typical",
            text: TYPICAL.to_string(),
        },
        Sample {
            name: "1000-lines",
            text: thousand_lines(),
        },
    ]
}

/// `text` with one character typed at the end of its middle one-line RUN instruction: the
/// `n`th edit gives a script no earlier edit gave.
fn typed(text: &str, n: u64) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let runs: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("RUN ") && !lines[i].ends_with('\\'))
        .collect();
    let target = runs[runs.len() / 2];
    let mut out = String::with_capacity(text.len() + 24);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i == target {
            out.push_str(&format!(" x{n}"));
        }
        out.push('\n');
    }
    out
}

fn pipeline(c: &mut Criterion) {
    let context = MemoryContext::new([
        ("go.mod", "module example.com/api\n\ngo 1.23.4\n"),
        ("cmd/api/main.go", "package main\n"),
        ("requirements.txt", "flask==3.0.0\n"),
        (".dockerignore", ".git\n"),
    ]);
    let settings = Settings::default();
    let options = LintOptions::new(&settings).with_context(&context, Some("Dockerfile"));
    let samples = samples();

    let mut group = c.benchmark_group("parse");
    for sample in &samples {
        group.throughput(Throughput::Bytes(sample.text.len() as u64));
        group.bench_function(sample.name, |b| {
            b.iter(|| black_box(plimsoll_parser::parse(black_box(&sample.text))))
        });
    }
    group.finish();

    for (stage, run) in [
        (
            "model",
            (&|text: &str| drop(black_box(SemanticModel::new(plimsoll_parser::parse(text)))))
                as &dyn Fn(&str),
        ),
        ("lint", &|text: &str| drop(black_box(lint(text, &options)))),
    ] {
        let mut group = c.benchmark_group(stage);
        for sample in &samples {
            group.throughput(Throughput::Bytes(sample.text.len() as u64));
            group.bench_function(BenchmarkId::new(sample.name, "cold"), |b| {
                b.iter_batched(
                    clear_parse_cache,
                    |()| run(&sample.text),
                    BatchSize::PerIteration,
                )
            });
            let mut edits = 0;
            group.bench_function(BenchmarkId::new(sample.name, "keystroke"), |b| {
                run(&sample.text);
                b.iter_batched(
                    || {
                        edits += 1;
                        typed(&sample.text, edits)
                    },
                    |text| run(&text),
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }

    let mut long_stage = String::from("FROM alpine:3.20\n");
    for n in 0..20_000 {
        long_stage.push_str(&format!("ENV K{n}=v\n"));
    }
    long_stage.push_str("RUN echo \"$K1\"\nUSER 1000\n");
    let mut group = c.benchmark_group("lint/long-stage");
    group.throughput(Throughput::Bytes(long_stage.len() as u64));
    group.sample_size(10);
    group.bench_function("20000-env", |b| {
        b.iter(|| black_box(lint(black_box(&long_stage), &options)))
    });
    group.finish();

    let mut group = c.benchmark_group("fix");
    for sample in &samples {
        group.throughput(Throughput::Bytes(sample.text.len() as u64));
        group.bench_function(sample.name, |b| {
            b.iter_batched(
                clear_parse_cache,
                |()| black_box(apply_fixes(&sample.text, &options, Applicability::Safe)),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = pipeline
}
criterion_main!(benches);
