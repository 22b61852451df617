//! Reuse of parsed scripts.
//!
//! Parsing is a pure function of the script text and its [`SourceMap`], and every file range
//! of the model is the map applied to a script range. Two maps with the same segments, only
//! placed elsewhere in the file, therefore give the same model moved by the distance
//! between them. An editor re-lints the whole file on every keystroke, where all RUN
//! scripts but one are unchanged (those after the edit have moved), and repositories repeat
//! the same RUN lines across their Dockerfiles: most scripts have been parsed before, and
//! copying and moving a model costs a fraction of running tree-sitter and building it.
//!
//! The cache is process-wide and bounded: it keeps two generations of scripts, each up to
//! [`GENERATION_BYTES`] of script text; when the current one is full, the previous one is
//! dropped. A script found in the previous generation moves to the current one, so what
//! is used again stays.

use super::{
    Assignment, CaseArm, Command, Compound, CompoundKind, IfBranch, List, ListItem, Pipeline,
    Redirect, ShellError, ShellErrorKind, ShellScript, Statement, Substitution, Word,
};
use crate::text::{SourceMap, TextRange};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

/// How much script text one generation holds: the RUN scripts of a large Dockerfile, or of
/// a repository's worth of variants of one. A model takes about 30 times the size of its
/// text, so the cache stays under 4 MB.
const GENERATION_BYTES: usize = 64 * 1024;

/// Scripts longer than this are not kept: they are rare, and one would fill a generation.
const MAX_SCRIPT_BYTES: usize = 16 * 1024;

/// Cached models by the hash of their text and map shape; a bucket holds the models whose
/// hashes collide.
type Generation = HashMap<u64, Vec<Arc<ShellScript>>>;

#[derive(Default)]
struct Cache {
    current: Generation,
    current_bytes: usize,
    previous: Generation,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// The model of `script` with `map`: the cached model itself when one was made for this
/// very place in the file, a moved copy of it when it was made elsewhere (the copy then
/// replaces it: a script that moved, as those after an edit do, is next looked up where
/// it is now), else `parse(script, map)`, kept for next time.
///
/// Sharing matters to the editor: on a keystroke, every script before the edit is where it
/// was, and its model is reused without copying it or freeing the previous one.
pub(super) fn parse_cached(
    script: &str,
    map: SourceMap,
    parse: impl FnOnce(&str, SourceMap) -> ShellScript,
) -> Arc<ShellScript> {
    parse_cached_in(&CACHE, script, map, parse)
}

fn parse_cached_in(
    cache: &Mutex<Option<Cache>>,
    script: &str,
    map: SourceMap,
    parse: impl FnOnce(&str, SourceMap) -> ShellScript,
) -> Arc<ShellScript> {
    let Some(key) = key(script, &map) else {
        return Arc::new(parse(script, map));
    };
    if let Some(cached) = lookup(cache, key, script, &map) {
        if base(&cached.map) == base(&map) {
            return cached;
        }
        let moved = Arc::new(moved(&cached, map));
        replace(cache, key, &cached, Arc::clone(&moved));
        return moved;
    }
    let parsed = Arc::new(parse(script, map));
    // A parse that ran out of time may succeed another time: not kept.
    let gave_up = parsed
        .errors
        .iter()
        .any(|e| e.kind == ShellErrorKind::TooComplex);
    if !gave_up {
        store(cache, key, Arc::clone(&parsed));
    }
    parsed
}

/// Empties the cache (see [`clear_parse_cache`](super::clear_parse_cache)).
pub(super) fn clear() {
    let mut guard = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    *guard = None;
}

/// Where a map starts in the file, `None` for a map without segments (an empty script),
/// which is not worth caching.
fn base(map: &SourceMap) -> Option<u32> {
    map.segments().first().map(|s| s.source_start)
}

/// The hash of the script text and of its map's segments relative to where it starts;
/// `None` when the script is not cached.
fn key(script: &str, map: &SourceMap) -> Option<u64> {
    if script.len() > MAX_SCRIPT_BYTES {
        return None;
    }
    let base = base(map)?;
    let mut hasher = std::hash::DefaultHasher::new();
    script.hash(&mut hasher);
    for segment in map.segments() {
        (
            segment.derived_start,
            segment.source_start.wrapping_sub(base),
            segment.len,
        )
            .hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// Whether two maps have the same segments, one moved from the other.
fn same_shape(a: &SourceMap, b: &SourceMap) -> bool {
    let (Some(base_a), Some(base_b)) = (base(a), base(b)) else {
        return false;
    };
    a.len() == b.len()
        && a.segments().len() == b.segments().len()
        && a.segments().iter().zip(b.segments()).all(|(x, y)| {
            x.derived_start == y.derived_start
                && x.len == y.len
                && x.source_start.wrapping_sub(base_a) == y.source_start.wrapping_sub(base_b)
        })
}

fn lookup(
    cache: &Mutex<Option<Cache>>,
    key: u64,
    script: &str,
    map: &SourceMap,
) -> Option<Arc<ShellScript>> {
    let mut guard = cache.lock().unwrap_or_else(PoisonError::into_inner);
    let cache = guard.get_or_insert_with(Cache::default);
    let matches = |s: &Arc<ShellScript>| s.text == script && same_shape(&s.map, map);
    if let Some(found) = cache
        .current
        .get(&key)
        .and_then(|b| b.iter().find(|s| matches(s)))
    {
        return Some(Arc::clone(found));
    }
    let bucket = cache.previous.get_mut(&key)?;
    let index = bucket.iter().position(matches)?;
    let found = bucket.swap_remove(index);
    cache.insert(key, Arc::clone(&found));
    Some(found)
}

/// Puts `moved` in the place of `cached`, when the cache still holds it (in the current
/// generation, where [`lookup`] leaves what it finds).
fn replace(
    cache: &Mutex<Option<Cache>>,
    key: u64,
    cached: &Arc<ShellScript>,
    moved: Arc<ShellScript>,
) {
    let mut guard = cache.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = guard
        .as_mut()
        .and_then(|cache| cache.current.get_mut(&key))
        .and_then(|bucket| bucket.iter_mut().find(|s| Arc::ptr_eq(s, cached)));
    if let Some(slot) = slot {
        *slot = moved;
    }
}

fn store(cache: &Mutex<Option<Cache>>, key: u64, script: Arc<ShellScript>) {
    let mut guard = cache.lock().unwrap_or_else(PoisonError::into_inner);
    guard.get_or_insert_with(Cache::default).insert(key, script);
}

impl Cache {
    fn insert(&mut self, key: u64, script: Arc<ShellScript>) {
        if self.current_bytes + script.text.len() > GENERATION_BYTES {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        self.current_bytes += script.text.len();
        self.current.entry(key).or_default().push(script);
    }
}

/// A copy of `cached` for `map`, which has the same shape as the cached model's map.
fn moved(cached: &ShellScript, map: SourceMap) -> ShellScript {
    let mut script = cached.clone();
    // Offsets are `u32` and every moved offset is an offset of the file, so wrapping
    // arithmetic gives the exact result whichever way the script moved.
    let delta = match (base(&map), base(&cached.map)) {
        (Some(new), Some(old)) => new.wrapping_sub(old),
        _ => 0,
    };
    if delta != 0 {
        script.move_by(delta);
    }
    script.map = map;
    script
}

/// Moving every file range of a model (script ranges stay). Each implementation names
/// every field, so that a field added to the model must be placed here too.
trait Move {
    fn move_by(&mut self, delta: u32);
}

impl Move for TextRange {
    fn move_by(&mut self, delta: u32) {
        self.start = self.start.wrapping_add(delta);
        self.end = self.end.wrapping_add(delta);
    }
}

impl<T: Move> Move for Option<T> {
    fn move_by(&mut self, delta: u32) {
        if let Some(inner) = self {
            inner.move_by(delta);
        }
    }
}

impl<T: Move> Move for Vec<T> {
    fn move_by(&mut self, delta: u32) {
        for item in self {
            item.move_by(delta);
        }
    }
}

impl Move for ShellScript {
    fn move_by(&mut self, delta: u32) {
        let ShellScript {
            text: _,
            map: _,
            body,
            commands,
            substitutions,
            errors,
        } = self;
        body.move_by(delta);
        commands.move_by(delta);
        substitutions.move_by(delta);
        errors.move_by(delta);
    }
}

impl Move for Word {
    fn move_by(&mut self, delta: u32) {
        let Word {
            text: _,
            value: _,
            range,
            script_range: _,
        } = self;
        range.move_by(delta);
    }
}

impl Move for Assignment {
    fn move_by(&mut self, delta: u32) {
        let Assignment {
            name: _,
            name_range,
            append: _,
            value,
            range,
            script_range: _,
        } = self;
        name_range.move_by(delta);
        value.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for Redirect {
    fn move_by(&mut self, delta: u32) {
        let Redirect {
            fd: _,
            op: _,
            target,
            heredoc_body,
            range,
            script_range: _,
        } = self;
        target.move_by(delta);
        heredoc_body.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for Command {
    fn move_by(&mut self, delta: u32) {
        let Command {
            id: _,
            name,
            args,
            assignments,
            redirects,
            range,
            script_range: _,
            before: _,
            after: _,
            pipeline_index: _,
            pipeline_len: _,
            scopes: _,
            recovered: _,
            unwrapped_name: _,
        } = self;
        name.move_by(delta);
        args.move_by(delta);
        assignments.move_by(delta);
        redirects.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for List {
    fn move_by(&mut self, delta: u32) {
        let List {
            items,
            range,
            script_range: _,
        } = self;
        for item in items {
            let ListItem {
                pipeline,
                separator: _,
            } = item;
            pipeline.move_by(delta);
        }
        range.move_by(delta);
    }
}

impl Move for Pipeline {
    fn move_by(&mut self, delta: u32) {
        let Pipeline {
            elements,
            negated: _,
            range,
            script_range: _,
            commands: _,
        } = self;
        for element in elements {
            match element {
                // The command itself is in `ShellScript::commands`.
                Statement::Command(_) => {}
                Statement::Compound(compound) => compound.move_by(delta),
            }
        }
        range.move_by(delta);
    }
}

impl Move for Compound {
    fn move_by(&mut self, delta: u32) {
        let Compound {
            kind,
            redirects,
            range,
            script_range: _,
            commands: _,
        } = self;
        kind.move_by(delta);
        redirects.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for CompoundKind {
    fn move_by(&mut self, delta: u32) {
        match self {
            CompoundKind::Subshell(body)
            | CompoundKind::Group(body)
            | CompoundKind::ArithmeticFor { body }
            | CompoundKind::Recovered(body) => body.move_by(delta),
            CompoundKind::If {
                branches,
                else_body,
            } => {
                branches.move_by(delta);
                else_body.move_by(delta);
            }
            CompoundKind::For {
                select: _,
                variable,
                values,
                body,
            } => {
                variable.move_by(delta);
                values.move_by(delta);
                body.move_by(delta);
            }
            CompoundKind::While {
                until: _,
                condition,
                body,
            } => {
                condition.move_by(delta);
                body.move_by(delta);
            }
            CompoundKind::Case { subject, arms } => {
                subject.move_by(delta);
                arms.move_by(delta);
            }
            CompoundKind::Function { name, body } => {
                name.move_by(delta);
                body.move_by(delta);
            }
            CompoundKind::Arithmetic => {}
        }
    }
}

impl Move for IfBranch {
    fn move_by(&mut self, delta: u32) {
        let IfBranch { condition, body } = self;
        condition.move_by(delta);
        body.move_by(delta);
    }
}

impl Move for CaseArm {
    fn move_by(&mut self, delta: u32) {
        let CaseArm {
            patterns,
            body,
            range,
        } = self;
        patterns.move_by(delta);
        body.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for Substitution {
    fn move_by(&mut self, delta: u32) {
        let Substitution {
            kind: _,
            body,
            range,
            script_range: _,
        } = self;
        body.move_by(delta);
        range.move_by(delta);
    }
}

impl Move for ShellError {
    fn move_by(&mut self, delta: u32) {
        let ShellError {
            kind: _,
            message: _,
            range,
            script_range: _,
        } = self;
        range.move_by(delta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    fn uncached(script: &str, map: SourceMap) -> ShellScript {
        ShellScript::parse_with_budget(script, map, Duration::from_secs(60))
    }

    /// A map of `script` cut into pieces of `cuts` bytes, each placed `gap` bytes after the
    /// previous one (as continuation lines are), the first at `start`.
    fn split_map(script: &str, start: u32, cuts: &[usize], gap: u32) -> SourceMap {
        let mut map = SourceMap::new();
        let mut at = 0;
        let mut source = start;
        for &cut in cuts.iter().chain(std::iter::once(&script.len())) {
            let end = (at + cut).min(script.len());
            let len = (end - at) as u32;
            map.push(source, len);
            source += len + gap;
            at = end;
            if at == script.len() {
                break;
            }
        }
        map
    }

    const SCRIPTS: &[&str] = &[
        "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
        "set -eux; for f in a b $(ls); do echo \"$f\" > /tmp/$f 2>&1; done | tee log",
        "if [ -f x ]; then (cd /src && make); elif true; then :; else exit 1; fi",
        "case $A in a|b) echo a;; *) f() { echo $1; } > /dev/null; f x;; esac",
        "cat <<EOF > /etc/conf && echo done\nkey=$VALUE\nEOF\n",
        "X=1 Y=$(id -u) env -i cmd <<< \"text\" && while read l; do :; done < f",
        "echo 'unterminated && ( cd x",
        "! grep -q x f || { echo missing; exit 1; } && ((n++)) && for ((i=0;i<3;i++)); do :; done",
        "",
    ];

    #[test]
    fn a_moved_model_equals_a_fresh_parse() {
        for script in SCRIPTS {
            let first = uncached(script, split_map(script, 10, &[7, 3, 12], 5));
            for map in [
                split_map(script, 10, &[7, 3, 12], 5),
                split_map(script, 4000, &[7, 3, 12], 5),
                split_map(script, 2, &[7, 3, 12], 5),
            ] {
                if same_shape(&first.map, &map) {
                    assert_eq!(
                        moved(&first, map.clone()),
                        uncached(script, map),
                        "{script}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_cache_is_transparent() {
        for round in 0..3u32 {
            for script in SCRIPTS {
                for (start, cuts) in [(0, &[][..]), (100 * round, &[4, 9][..])] {
                    let map = split_map(script, start, cuts, 3);
                    let cached = parse_cached(script, map.clone(), uncached);
                    assert_eq!(*cached, uncached(script, map), "{script}");
                }
            }
        }
    }

    #[test]
    fn a_script_in_the_same_place_is_shared_and_a_moved_one_replaces_it() {
        // A cache of its own: other tests fill the process-wide one meanwhile.
        let cache = Mutex::new(None);
        let cached = |map: &SourceMap| {
            parse_cached_in(&cache, "echo a && true", map.clone(), |_, _| {
                unreachable!("parsed once")
            })
        };
        let here = split_map("echo a && true", 40, &[6], 2);
        let first = parse_cached_in(&cache, "echo a && true", here.clone(), uncached);
        assert!(Arc::ptr_eq(&first, &cached(&here)));

        let there = split_map("echo a && true", 90, &[6], 2);
        let moved = cached(&there);
        assert_eq!(*moved, uncached("echo a && true", there.clone()));
        assert!(Arc::ptr_eq(&moved, &cached(&there)));
        // Back in the first place: a copy moved back, equal to the first model.
        assert_eq!(*cached(&here), *first);
    }

    #[test]
    fn maps_of_another_shape_do_not_match() {
        let script = "a && b";
        let one = split_map(script, 0, &[], 0);
        let two = split_map(script, 0, &[2], 4);
        assert!(!same_shape(&one, &two));
        assert_ne!(key(script, &one), key(script, &two));
        assert!(same_shape(&two, &split_map(script, 77, &[2], 4)));
        assert_eq!(
            key(script, &two),
            key(script, &split_map(script, 77, &[2], 4))
        );
    }

    #[test]
    fn generations_are_bounded() {
        let mut cache = Cache::default();
        let script = Arc::new(uncached("x", SourceMap::contiguous(0, 1)));
        for key in 0..(3 * GENERATION_BYTES as u64) {
            cache.insert(key, Arc::clone(&script));
        }
        assert!(cache.current_bytes <= GENERATION_BYTES);
        assert!(cache.current.len() <= GENERATION_BYTES);
        assert!(cache.previous.len() <= GENERATION_BYTES);
    }

    /// Every RUN script and heredoc body of the shared corpus, parsed through the cache
    /// in file order (so that the scripts repeated across files come from it, moved), gives
    /// the model a fresh parse gives.
    #[test]
    fn corpus_scripts_through_the_cache_equal_fresh_parses() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
            eprintln!("SKIPPED: ../shared/corpus not found; the corpus cache check did not run");
            return;
        };
        let mut seen = std::collections::HashSet::new();
        let (mut scripts, mut repeated) = (0, 0);
        for relpath in manifest
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
        {
            let Ok(bytes) = std::fs::read(corpus.join(relpath)) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            for instruction in &crate::parse(&text).instructions {
                if instruction.keyword != crate::Keyword::Run {
                    continue;
                }
                let args = instruction.args_range;
                let mut pieces: Vec<(String, SourceMap)> = Vec::new();
                if let Some(line) = instruction.original.get(args.as_usize()) {
                    pieces.push((line.to_string(), instruction.original_map.slice(args)));
                }
                for heredoc in &instruction.heredocs {
                    let len = heredoc.content.len() as u32;
                    let map = SourceMap::contiguous(heredoc.body_range.start, len);
                    pieces.push((heredoc.content.clone(), map));
                }
                for (script, map) in pieces {
                    scripts += 1;
                    repeated += usize::from(key(&script, &map).is_some_and(|k| !seen.insert(k)));
                    let fresh = uncached(&script, map.clone());
                    assert_eq!(
                        *parse_cached(&script, map, uncached),
                        fresh,
                        "{relpath}: {script}"
                    );
                }
            }
        }
        eprintln!("{scripts} scripts, {repeated} seen before");
        assert!(
            repeated > 1000,
            "the corpus repeats scripts: the cache was exercised"
        );
    }

    proptest! {
        #[test]
        fn moved_models_equal_fresh_parses(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("apt-get install -y "), Just("x"), Just(" && "), Just(" | "),
                    Just("; "), Just("\"$A b\""), Just("'q'"), Just("$(id)"), Just("`u`"),
                    Just("( "), Just(" )"), Just("{ "), Just(" }"), Just("\n"), Just(" > f"),
                    Just(" 2>&1"), Just("<<EOF\nbody $V\nEOF\n"), Just("if "), Just("; then "),
                    Just("; fi"), Just("for i in 1 2; do "), Just("; done"), Just("A=1 "),
                    Just("\\\n"), Just("é"), Just("#c\n"),
                ],
                0..24,
            ),
            cuts in proptest::collection::vec(1usize..20, 0..6),
            gap in 0u32..9,
            from in 0u32..5000,
            to in 0u32..5000,
        ) {
            let script: String = pieces.concat();
            // Cut only at character boundaries, as the Dockerfile parser does.
            let mut cuts = cuts;
            let mut at = 0;
            for cut in &mut cuts {
                while at + *cut < script.len() && !script.is_char_boundary(at + *cut) {
                    *cut += 1;
                }
                at += *cut;
            }
            let first = uncached(&script, split_map(&script, from, &cuts, gap));
            let map = split_map(&script, to, &cuts, gap);
            if same_shape(&first.map, &map) {
                prop_assert_eq!(moved(&first, map.clone()), uncached(&script, map));
            }
        }
    }
}
