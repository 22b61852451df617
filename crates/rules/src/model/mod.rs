//! The semantic model: what a Dockerfile means, beyond its syntax.
//!
//! Built once per lint from the parsed [`Dockerfile`]: the build stages and their base
//! images, the `COPY --from` graph, the ARG and ENV variables visible at each instruction
//! (with BuildKit's scoping), the effective USER and SHELL of every stage, and the parsed
//! shell script of every RUN.

mod image;

pub use image::ImageRef;

use crate::rules::helpers::buildkit_env::GlobalArgs;
use plimsoll_parser::expand::{Env, EnvList, Expansion, Lexer};
use plimsoll_parser::shell::{basename, ShellScript};
use plimsoll_parser::{Arguments, Dockerfile, Instruction, Keyword, SourceMap, TextRange};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

/// The index of an instruction in [`Dockerfile::instructions`].
pub type InstructionId = usize;

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseImage {
    /// `FROM scratch`: an empty image.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image from a registry.
    Image(ImageRef),
    /// A reference that depends on a variable without a value (`FROM $BASE` with no
    /// default): rules stay silent about it.
    Unresolved(String),
}

/// A variable declared by ARG or ENV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The name.
    pub name: String,
    /// The value after expansion; `None` for an ARG without a default (and no global one).
    pub value: Option<String>,
    /// Whether ENV (else ARG) declared it.
    pub is_env: bool,
    /// The declaring instruction.
    pub instruction: InstructionId,
}

/// The USER in effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The value after expansion (`app`, `1000:1000`, `root`).
    pub value: String,
    /// The USER instruction (possibly in a parent stage).
    pub instruction: InstructionId,
}

impl User {
    /// The user part, without a `:group`.
    pub fn name(&self) -> &str {
        self.value.split(':').next().unwrap_or("")
    }

    /// Whether the user is root (`root` or uid `0`).
    pub fn is_root(&self) -> bool {
        matches!(self.name(), "root" | "0")
    }
}

/// A `COPY --from=…` (or `RUN --mount=…,from=…`) edge of the stage graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyFrom {
    /// The instruction.
    pub instruction: InstructionId,
    /// The source: a stage, or an image.
    pub source: BaseImage,
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Position in the file (0-based).
    pub index: usize,
    /// The `AS name`, lowercased as BuildKit does.
    pub name: Option<String>,
    /// Where the name is written.
    pub name_range: Option<TextRange>,
    /// The FROM instruction.
    pub from: InstructionId,
    /// The stage's instructions, FROM included.
    pub instructions: Range<InstructionId>,
    /// The base.
    pub base: BaseImage,
    /// Where the base reference is written.
    pub base_range: TextRange,
    /// The `--platform` value, as written.
    pub platform: Option<String>,
    /// The USER at the end of the stage (inherited from a parent stage when it sets none).
    pub user: Option<User>,
    /// The SHELL at the end of the stage (`["/bin/sh", "-c"]` unless changed).
    pub shell: Vec<String>,
    /// The stages and images it copies from.
    pub copies_from: Vec<CopyFrom>,
    /// ARGs and ENVs declared in the stage, in order.
    pub variables: Vec<Variable>,
}

impl Stage {
    /// The base image, following stage references to the image the chain starts from.
    pub fn root_base<'m>(&'m self, model: &'m SemanticModel) -> &'m BaseImage {
        let mut base = &self.base;
        let mut hops = 0;
        while let BaseImage::Stage(index) = base {
            match model.stages.get(*index) {
                Some(parent) if hops < model.stages.len() => base = &parent.base,
                _ => break,
            }
            hops += 1;
        }
        base
    }

    /// Whether the shell is a POSIX shell (`sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`), so
    /// RUN scripts can be read as shell scripts.
    pub fn has_posix_shell(&self) -> bool {
        self.shell.first().is_some_and(|program| {
            let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
            matches!(
                name,
                "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "busybox"
            )
        })
    }

    /// A name to show for the stage: its name, or its index.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(name) => format!("`{name}`"),
            None => format!("#{}", self.index),
        }
    }
}

/// Where a RUN script comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptSource {
    /// The instruction's shell-form command line.
    CommandLine,
    /// The body of the instruction's heredoc at this index, run by the shell.
    Heredoc(usize),
}

/// A RUN instruction's shell script.
#[derive(Clone, Debug)]
pub struct RunScript {
    /// The RUN instruction.
    pub instruction: InstructionId,
    /// The stage it belongs to.
    pub stage: usize,
    /// Which part of the instruction.
    pub source: ScriptSource,
    /// The parsed script, with file ranges; shared with the shell parser's cache.
    pub script: Arc<ShellScript>,
}

/// Everything rules know about a Dockerfile.
#[derive(Debug)]
pub struct SemanticModel {
    /// The syntax tree.
    pub file: Dockerfile,
    /// ARGs before the first FROM.
    pub global_args: Vec<Variable>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// Every RUN script, in file order.
    pub runs: Vec<RunScript>,
    stage_of: Vec<Option<usize>>,
    /// Per stage, the indexes of its variables sorted by name then position: a variable
    /// is found by binary search, not by a scan of the stage.
    variables_by_name: Vec<Vec<u32>>,
    /// Per keyword (by its discriminant), the ids of its instructions in order.
    ids_by_keyword: Vec<Vec<InstructionId>>,
    /// The working directory after each WORKDIR, by the base image's default, as rules
    /// work it out (see `workdir_at` in the Go rules): kept, since each WORKDIR builds on
    /// the ones before it.
    pub(crate) workdirs: Mutex<HashMap<(InstructionId, Option<String>), WorkdirAfter>>,
    /// BuildKit's global scope (the ARGs before the first FROM), worked out once: every
    /// stage of several rules starts from it (see `global_args` in the rule helpers).
    pub(crate) buildkit_globals: OnceLock<GlobalArgs>,
}

/// The working directory after a WORKDIR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WorkdirAfter {
    /// Known, or `None` while it depends on an unknown default.
    Known(Option<String>),
    /// Not known: this or an earlier WORKDIR is not static.
    Unknown,
}

impl SemanticModel {
    /// Builds the model of a parsed file.
    pub fn new(file: Dockerfile) -> SemanticModel {
        let Builder {
            global_args,
            stages,
            runs,
            stage_of,
            ..
        } = Builder::new(&file).build();
        let variables_by_name = stages
            .iter()
            .map(|stage| {
                let mut order: Vec<u32> = (0..stage.variables.len() as u32).collect();
                order.sort_by(|&a, &b| {
                    stage.variables[a as usize]
                        .name
                        .cmp(&stage.variables[b as usize].name)
                        .then(a.cmp(&b))
                });
                order
            })
            .collect();
        let mut ids_by_keyword: Vec<Vec<InstructionId>> = Vec::new();
        for (id, instruction) in file.instructions.iter().enumerate() {
            let slot = instruction.keyword as usize;
            if ids_by_keyword.len() <= slot {
                ids_by_keyword.resize_with(slot + 1, Vec::new);
            }
            ids_by_keyword[slot].push(id);
        }
        SemanticModel {
            file,
            global_args,
            stages,
            runs,
            stage_of,
            variables_by_name,
            ids_by_keyword,
            workdirs: Mutex::default(),
            buildkit_globals: OnceLock::new(),
        }
    }

    /// The ids of the `keyword` instructions within `range`, in order.
    pub fn ids_of(&self, keyword: Keyword, range: Range<InstructionId>) -> &[InstructionId] {
        let ids = self
            .ids_by_keyword
            .get(keyword as usize)
            .map_or(&[][..], Vec::as_slice);
        let start = ids.partition_point(|&id| id < range.start);
        let end = ids.partition_point(|&id| id < range.end).max(start);
        &ids[start..end]
    }

    /// The variables visible at an instruction, as [`Self::variables_at`] lists them, read
    /// in place: each lookup is a binary search per stage of the chain, where building the
    /// list copies every variable of the stage (quadratic over a long stage).
    pub fn scope_at(&self, id: InstructionId) -> Scope<'_> {
        let level = match self.stage_of.get(id).copied().flatten() {
            None => ScopeLevel::Global { before: id },
            Some(stage) if self.stages[stage].from == id => {
                ScopeLevel::Global { before: usize::MAX }
            }
            Some(stage) => ScopeLevel::Stage {
                stage,
                own: self.stages[stage]
                    .variables
                    .partition_point(|v| v.instruction < id),
            },
        };
        Scope {
            model: self,
            level,
            overrides: EnvList::new(),
        }
    }

    /// The last variable named `name` with a value among the first `count` variables of
    /// `stage` (ENVs only when `only_env`).
    fn stage_value(&self, stage: usize, name: &str, count: usize, only_env: bool) -> Option<&str> {
        let variables = &self.stages[stage].variables;
        let order = &self.variables_by_name[stage];
        let start = order.partition_point(|&i| variables[i as usize].name.as_str() < name);
        let end = start
            + order[start..]
                .partition_point(|&i| variables[i as usize].name == name && (i as usize) < count);
        order[start..end].iter().rev().find_map(|&i| {
            let variable = &variables[i as usize];
            (!only_env || variable.is_env)
                .then_some(variable.value.as_deref())
                .flatten()
        })
    }

    /// The instruction with this id.
    pub fn instruction(&self, id: InstructionId) -> &Instruction {
        &self.file.instructions[id]
    }

    /// The id of `instruction` (which must belong to [`Self::file`], possibly nested in an
    /// ONBUILD, in which case the ONBUILD's id is returned).
    pub fn id_of(&self, instruction: &Instruction) -> Option<InstructionId> {
        let start = instruction.range.start;
        let index = self
            .file
            .instructions
            .partition_point(|i| i.range.start <= start);
        index.checked_sub(1).filter(|&i| {
            self.file.instructions[i]
                .range
                .contains_range(instruction.range)
        })
    }

    /// The stage an instruction belongs to; `None` before the first FROM.
    pub fn stage_of(&self, id: InstructionId) -> Option<&Stage> {
        self.stage_of
            .get(id)
            .copied()
            .flatten()
            .map(|s| &self.stages[s])
    }

    /// The stage of an instruction given by reference.
    pub fn stage_containing(&self, instruction: &Instruction) -> Option<&Stage> {
        self.id_of(instruction).and_then(|id| self.stage_of(id))
    }

    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage named `name` (case-insensitive) or with this index, defined before
    /// `before` (a stage can only use earlier stages).
    pub fn find_stage(&self, name: &str, before: usize) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|&i| i < before)
                    .and_then(|i| self.stages.get(i))
            })
    }

    /// Whether some later stage copies from (or builds on) stage `index`.
    pub fn is_used_by_later_stage(&self, index: usize) -> bool {
        self.stages.iter().skip(index + 1).any(|s| {
            s.base == BaseImage::Stage(index)
                || s.copies_from
                    .iter()
                    .any(|c| c.source == BaseImage::Stage(index))
        })
    }

    /// The variables visible at an instruction, as BuildKit scopes them: global ARGs in a
    /// FROM line; inside a stage, the ENVs inherited from parent stages, then the stage's own
    /// ARGs (a bare `ARG NAME` takes the global default) and ENVs declared before it.
    pub fn variables_at(&self, id: InstructionId) -> EnvList {
        let mut env = EnvList::new();
        let Some(stage) = self.stage_of(id) else {
            for arg in &self.global_args {
                if arg.instruction < id {
                    if let Some(value) = &arg.value {
                        env.push(arg.name.clone(), value.clone());
                    }
                }
            }
            return env;
        };
        if stage.from == id {
            for arg in &self.global_args {
                if let Some(value) = &arg.value {
                    env.push(arg.name.clone(), value.clone());
                }
            }
            return env;
        }
        self.inherited_env(stage, &mut env, 0);
        for variable in &stage.variables {
            if variable.instruction >= id {
                break;
            }
            if let Some(value) = &variable.value {
                env.push(variable.name.clone(), value.clone());
            }
        }
        env
    }

    fn inherited_env(&self, stage: &Stage, env: &mut EnvList, depth: usize) {
        if let BaseImage::Stage(parent) = stage.base {
            if let Some(parent) = self
                .stages
                .get(parent)
                .filter(|_| depth < self.stages.len())
            {
                self.inherited_env(parent, env, depth + 1);
                for variable in parent.variables.iter().filter(|v| v.is_env) {
                    if let Some(value) = &variable.value {
                        env.push(variable.name.clone(), value.clone());
                    }
                }
            }
        }
    }

    /// Expands `word` with the variables visible at `id`; `None` when it uses a variable
    /// that has no value there (or cannot be expanded).
    pub fn expand_at(&self, id: InstructionId, word: &str) -> Option<String> {
        if !word.contains('$') {
            return Some(word.to_string());
        }
        let lexer = Lexer::new(self.file.escape);
        let expansion = lexer.process_word(word, &self.scope_at(id)).ok()?;
        expansion.unmatched.is_empty().then_some(expansion.value)
    }

    /// The RUN scripts of an instruction.
    pub fn runs_of(&self, id: InstructionId) -> impl Iterator<Item = &RunScript> {
        let start = self.runs.partition_point(|r| r.instruction < id);
        self.runs[start..]
            .iter()
            .take_while(move |r| r.instruction == id)
    }
}

/// `word` as [`Lexer::process_word`] gives it, when it holds nothing that lexer would change
/// (no `$`, quote, escape character or leading byte-order mark): most words, expanded
/// without copying them one character at a time. `None` for any other word.
pub(crate) fn literal_expansion(lexer: &Lexer, word: &str) -> Option<Expansion> {
    // A byte scan and a single-character search: a search for any of several characters
    // goes one character at a time.
    let plain = !word.starts_with('\u{FEFF}')
        && !word.bytes().any(|b| matches!(b, b'$' | b'\'' | b'"'))
        && !word.contains(lexer.escape);
    plain.then(|| Expansion {
        value: word.to_string(),
        ..Expansion::default()
    })
}

/// The variables visible at one instruction ([`SemanticModel::scope_at`]), with values a
/// caller sets on top (a RUN script's own assignments).
#[derive(Clone, Debug)]
pub struct Scope<'m> {
    model: &'m SemanticModel,
    level: ScopeLevel,
    overrides: EnvList,
}

#[derive(Clone, Copy, Debug)]
enum ScopeLevel {
    /// The global ARGs declared before `before` (all of them in a FROM line).
    Global { before: InstructionId },
    /// Inside `stage`: the ENVs of the stages it is built on, then its first `own` variables.
    Stage { stage: usize, own: usize },
}

impl Scope<'_> {
    /// Sets `name` to `value` on top of the variables in scope.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.overrides.push(name, value);
    }
}

impl Env for Scope<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        if let Some(value) = Env::get(&self.overrides, name) {
            return Some(value);
        }
        let model = self.model;
        match self.level {
            ScopeLevel::Global { before } => model
                .global_args
                .iter()
                .rev()
                .filter(|arg| arg.instruction < before && arg.name == name)
                .find_map(|arg| arg.value.as_deref()),
            ScopeLevel::Stage { stage, own } => {
                if let Some(value) = model.stage_value(stage, name, own, false) {
                    return Some(value);
                }
                // The nearest stage it is built on first, as the last ENV wins.
                let mut current = &model.stages[stage];
                for _ in 0..model.stages.len() {
                    let BaseImage::Stage(parent) = current.base else {
                        break;
                    };
                    let Some(parent) = model.stages.get(parent) else {
                        break;
                    };
                    if let Some(value) =
                        model.stage_value(parent.index, name, parent.variables.len(), true)
                    {
                        return Some(value);
                    }
                    current = parent;
                }
                None
            }
        }
    }
}

struct Builder<'f> {
    file: &'f Dockerfile,
    lexer: Lexer,
    global_args: Vec<Variable>,
    stages: Vec<Stage>,
    stage_of: Vec<Option<usize>>,
    runs: Vec<RunScript>,
    /// The variables visible in the current stage, kept from one instruction to the next.
    stage_env: Option<StageEnv>,
}

/// The variables visible in a stage after its first `seen` variables.
struct StageEnv {
    stage: usize,
    seen: usize,
    env: EnvList,
}

impl<'f> Builder<'f> {
    fn new(file: &'f Dockerfile) -> Builder<'f> {
        Builder {
            file,
            lexer: Lexer::new(file.escape),
            global_args: Vec::new(),
            stages: Vec::new(),
            stage_of: Vec::with_capacity(file.instructions.len()),
            runs: Vec::new(),
            stage_env: None,
        }
    }

    fn build(mut self) -> Self {
        let file = self.file;
        for (id, instruction) in file.instructions.iter().enumerate() {
            if instruction.keyword == Keyword::From {
                self.start_stage(id, instruction);
            }
            let current = self.stages.len().checked_sub(1);
            self.stage_of.push(current);
            match current {
                None if instruction.keyword == Keyword::Arg => {
                    let mut env = self.global_env();
                    let declared = self.arg_variables(id, instruction, &mut env, &[]);
                    self.global_args.extend(declared);
                }
                None => {}
                Some(stage) => {
                    self.stages[stage].instructions.end = id + 1;
                    self.stage_instruction(stage, id, instruction);
                }
            }
        }
        self
    }

    fn global_env(&self) -> EnvList {
        EnvList(
            self.global_args
                .iter()
                .filter_map(|v| Some((v.name.clone(), v.value.clone()?)))
                .collect(),
        )
    }

    /// The variables visible in `stage` (the current one) so far: inherited ENVs, then its
    /// own. Taken from the copy kept since the previous instruction, adding the stage's new
    /// variables (building it anew at every instruction would be quadratic in the length of
    /// the stage); give it back with [`Self::keep_stage_env`].
    fn take_stage_env(&mut self, stage: usize) -> EnvList {
        let (mut env, seen) = match self.stage_env.take() {
            Some(kept) if kept.stage == stage => (kept.env, kept.seen),
            _ => (self.inherited_env(stage), 0),
        };
        for variable in self.stages[stage].variables.iter().skip(seen) {
            if let Some(value) = &variable.value {
                env.push(variable.name.clone(), value.clone());
            }
        }
        env
    }

    /// Keeps `env`, which holds every variable of `stage` so far, for the next instruction.
    fn keep_stage_env(&mut self, stage: usize, env: EnvList) {
        self.stage_env = Some(StageEnv {
            stage,
            seen: self.stages[stage].variables.len(),
            env,
        });
    }

    /// The ENVs `stage` inherits from the stages it is built on, the farthest first.
    fn inherited_env(&self, stage: usize) -> EnvList {
        let mut chain = Vec::new();
        let mut current = Some(stage);
        while let Some(index) = current {
            if chain.contains(&index) {
                break;
            }
            chain.push(index);
            current = match self.stages[index].base {
                BaseImage::Stage(parent) if parent < index => Some(parent),
                _ => None,
            };
        }
        let mut env = EnvList::new();
        for &index in chain.iter().skip(1).rev() {
            for variable in self.stages[index].variables.iter().filter(|v| v.is_env) {
                if let Some(value) = &variable.value {
                    env.push(variable.name.clone(), value.clone());
                }
            }
        }
        env
    }

    fn expand(&self, word: &str, env: &EnvList) -> Option<String> {
        if !word.contains('$') {
            return Some(word.to_string());
        }
        let expansion = self.lexer.process_word(word, env).ok()?;
        expansion.unmatched.is_empty().then_some(expansion.value)
    }

    fn start_stage(&mut self, id: InstructionId, from: &Instruction) {
        let words = match &from.args {
            Arguments::List(words) => words.as_slice(),
            _ => &[],
        };
        let index = self.stages.len();
        let (name, name_range) = match words {
            [_, as_kw, name, ..] if as_kw.value.eq_ignore_ascii_case("as") => {
                (Some(name.value.to_ascii_lowercase()), Some(name.range))
            }
            _ => (None, None),
        };
        let env = self.global_env();
        let (base, base_range) = match words.first() {
            Some(word) => (
                self.resolve_image(&word.value, word.range, &env, index),
                word.range,
            ),
            None => (
                BaseImage::Unresolved(String::new()),
                TextRange::empty(from.args_file_range().start),
            ),
        };
        let inherited = match base {
            BaseImage::Stage(parent) => Some(&self.stages[parent]),
            _ => None,
        };
        let user = inherited.and_then(|p| p.user.clone());
        let shell = inherited.map_or_else(default_shell, |p| p.shell.clone());
        self.stages.push(Stage {
            index,
            name,
            name_range,
            from: id,
            instructions: id..id + 1,
            base,
            base_range,
            platform: from.flag("platform").and_then(|f| f.value.clone()),
            user,
            shell,
            copies_from: Vec::new(),
            variables: Vec::new(),
        });
    }

    /// Resolves a FROM or `--from` reference: a stage name or index (stages before
    /// `before`), `scratch`, or an image.
    fn resolve_image(
        &self,
        written: &str,
        range: TextRange,
        env: &EnvList,
        before: usize,
    ) -> BaseImage {
        let Some(text) = self.expand(written, env) else {
            return BaseImage::Unresolved(written.to_string());
        };
        if text.is_empty() {
            return BaseImage::Unresolved(written.to_string());
        }
        let lower = text.to_ascii_lowercase();
        if let Some(stage) = self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            return BaseImage::Stage(stage.index);
        }
        if lower == "scratch" {
            return BaseImage::Scratch;
        }
        let mut image = ImageRef::parse(&text, range);
        image.from_variable = written.contains('$');
        BaseImage::Image(image)
    }

    fn stage_instruction(&mut self, stage: usize, id: InstructionId, instruction: &Instruction) {
        match instruction.keyword {
            Keyword::Arg => {
                let mut env = self.take_stage_env(stage);
                let declared = self.arg_variables(id, instruction, &mut env, &self.global_args);
                self.stages[stage].variables.extend(declared);
                self.keep_stage_env(stage, env);
            }
            Keyword::Env => {
                if let Arguments::KeyValues(pairs) = &instruction.args {
                    let mut env = self.take_stage_env(stage);
                    for pair in pairs {
                        let value = self.expand(&pair.value.value, &env);
                        if let Some(value) = &value {
                            env.push(pair.key.value.clone(), value.clone());
                        }
                        self.stages[stage].variables.push(Variable {
                            name: pair.key.value.clone(),
                            value,
                            is_env: true,
                            instruction: id,
                        });
                    }
                    self.keep_stage_env(stage, env);
                }
            }
            Keyword::User => {
                if let Arguments::Text(word) = &instruction.args {
                    let env = self.take_stage_env(stage);
                    let value = self
                        .expand(&word.value, &env)
                        .unwrap_or_else(|| word.value.clone());
                    self.keep_stage_env(stage, env);
                    self.stages[stage].user = Some(User {
                        value,
                        instruction: id,
                    });
                }
            }
            Keyword::Shell => {
                if let Arguments::Exec(words) = &instruction.args {
                    if !words.is_empty() {
                        self.stages[stage].shell = words.iter().map(|w| w.value.clone()).collect();
                    }
                }
            }
            Keyword::Copy | Keyword::Add => {
                if let Some(from) = instruction.flag("from").and_then(|f| f.value.as_ref()) {
                    let env = self.take_stage_env(stage);
                    let range = instruction
                        .flag("from")
                        .and_then(|f| f.value_range)
                        .unwrap_or(instruction.range);
                    let source = self.resolve_image(from, range, &env, stage);
                    self.keep_stage_env(stage, env);
                    self.stages[stage].copies_from.push(CopyFrom {
                        instruction: id,
                        source,
                    });
                }
            }
            Keyword::Run => {
                self.mount_edges(stage, id, instruction);
                if self.stages[stage].has_posix_shell() {
                    self.run_scripts(stage, id, instruction);
                }
            }
            _ => {}
        }
    }

    /// `RUN --mount=…,from=stage` edges.
    fn mount_edges(&mut self, stage: usize, id: InstructionId, instruction: &Instruction) {
        for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
            let Some(value) = &flag.value else { continue };
            let from = value
                .split(',')
                .filter_map(|field| field.split_once('='))
                .find(|(key, _)| key.trim() == "from")
                .map(|(_, value)| value.trim().to_string());
            if let Some(from) = from {
                let env = self.take_stage_env(stage);
                let range = flag.value_range.unwrap_or(flag.range);
                let source = self.resolve_image(&from, range, &env, stage);
                self.keep_stage_env(stage, env);
                self.stages[stage].copies_from.push(CopyFrom {
                    instruction: id,
                    source,
                });
            }
        }
    }

    fn run_scripts(&mut self, stage: usize, id: InstructionId, instruction: &Instruction) {
        let Arguments::Text(word) = &instruction.args else {
            return;
        };
        let start = instruction.args_range.start as usize;
        let line_start = if instruction.original.get(start..start + word.value.len())
            == Some(word.value.as_str())
        {
            start
        } else {
            match instruction
                .original
                .get(start..)
                .and_then(|rest| rest.find(&word.value))
            {
                Some(at) => start + at,
                None => return,
            }
        };
        let map = instruction.original_map.slice(TextRange::from_usize(
            line_start,
            line_start + word.value.len(),
        ));
        let line = ShellScript::parse_shared(&word.value, map);
        let runs_heredoc = !instruction.heredocs.is_empty() && heredoc_is_script(&line);
        self.runs.push(RunScript {
            instruction: id,
            stage,
            source: ScriptSource::CommandLine,
            script: line,
        });
        if runs_heredoc {
            for (index, heredoc) in instruction.heredocs.iter().enumerate() {
                if heredoc.content.starts_with("#!") && !shebang_is_posix(&heredoc.content) {
                    continue;
                }
                let map = SourceMap::contiguous(
                    heredoc.body_range.start,
                    u32::try_from(heredoc.content.len()).unwrap_or(u32::MAX),
                );
                // With `<<-` the content lost its leading tabs: positions are only
                // approximate, so keep the map but clamp through `SourceMap`.
                self.runs.push(RunScript {
                    instruction: id,
                    stage,
                    source: ScriptSource::Heredoc(index),
                    script: ShellScript::parse_shared(&heredoc.content, map),
                });
            }
        }
    }

    /// The variables an ARG declares, each default expanded with `env` and the ones
    /// declared before it, which are added to `env`.
    fn arg_variables(
        &self,
        id: InstructionId,
        instruction: &Instruction,
        env: &mut EnvList,
        globals: &[Variable],
    ) -> Vec<Variable> {
        let Arguments::List(words) = &instruction.args else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for word in words {
            let (name, value) = match word.value.split_once('=') {
                Some((name, value)) => (name.to_string(), self.expand(&unquote(value), env)),
                None => {
                    let name = word.value.clone();
                    let global = globals
                        .iter()
                        .rev()
                        .find(|g| g.name == name)
                        .and_then(|g| g.value.clone());
                    (name, global)
                }
            };
            if let Some(value) = &value {
                env.push(name.clone(), value.clone());
            }
            out.push(Variable {
                name,
                value,
                is_env: false,
                instruction: id,
            });
        }
        out
    }
}

fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_string(), "-c".to_string()]
}

/// Removes one level of matching quotes around an ARG default (`ARG A="x y"`).
fn unquote(value: &str) -> String {
    let bytes = value.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[bytes.len() - 1] == bytes[0]
    {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// Whether a RUN command line hands its heredoc to the shell as the script: the line is only
/// the heredoc marker (`RUN <<EOF`), or a shell reading it (`RUN bash <<EOF`, `RUN sh -e <<EOF`).
fn heredoc_is_script(line: &ShellScript) -> bool {
    let mut commands = line.commands();
    let Some(first) = commands.next() else {
        return true;
    };
    if commands.next().is_some() {
        return false;
    }
    match first.program() {
        None => true,
        Some(program) => {
            matches!(program, "sh" | "bash" | "ash" | "dash")
                && first.args.iter().all(|a| a.text.starts_with('-'))
        }
    }
}

fn shebang_is_posix(content: &str) -> bool {
    let first = content.lines().next().unwrap_or("");
    let mut words = first.trim_start_matches("#!").split_whitespace();
    let program = words.next().unwrap_or("");
    let program = if program.ends_with("/env") {
        words.find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        program
    };
    let name = basename(program);
    matches!(name, "sh" | "bash" | "ash" | "dash")
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_parser::expand::EmptyEnv;

    fn model(text: &str) -> SemanticModel {
        SemanticModel::new(plimsoll_parser::parse(text))
    }

    #[test]
    fn stages_bases_and_names() {
        let m = model(
            "ARG GO=1.23.4\nFROM golang:${GO}-alpine AS Build\nRUN go build\nFROM build AS test\n\
             FROM scratch\nCOPY --from=build /app /app\nFROM $UNSET\n",
        );
        assert_eq!(m.stages.len(), 4);
        let BaseImage::Image(go) = &m.stages[0].base else {
            panic!("{:?}", m.stages[0].base)
        };
        assert_eq!(go.text, "golang:1.23.4-alpine");
        assert!(go.from_variable);
        assert_eq!(m.stages[0].name.as_deref(), Some("build"));
        assert_eq!(m.stages[1].base, BaseImage::Stage(0));
        assert_eq!(m.stages[2].base, BaseImage::Scratch);
        assert_eq!(m.stages[2].copies_from[0].source, BaseImage::Stage(0));
        assert!(matches!(m.stages[3].base, BaseImage::Unresolved(_)));
        assert!(m.is_used_by_later_stage(0));
        assert!(!m.is_used_by_later_stage(2));
        assert_eq!(m.final_stage().unwrap().index, 3);
    }

    #[test]
    fn variables_follow_buildkit_scoping() {
        let m = model(
            "ARG V=global\nARG ONLY=g\nFROM alpine AS a\nARG V\nENV E=$V-env\nRUN echo\n\
             FROM a\nRUN echo\n",
        );
        use plimsoll_parser::expand::Env;
        let in_a = m.variables_at(5);
        assert_eq!(in_a.get("V"), Some("global"));
        assert_eq!(in_a.get("E"), Some("global-env"));
        assert_eq!(in_a.get("ONLY"), None);
        let in_child = m.variables_at(7);
        assert_eq!(in_child.get("E"), Some("global-env"));
        assert_eq!(in_child.get("V"), None);
        assert_eq!(m.variables_at(2).get("ONLY"), Some("g"));
    }

    #[test]
    fn each_instruction_sees_the_variables_declared_before_it() {
        let m = model(
            "ARG G=g\nFROM alpine AS a\nENV A=1\nARG B=$A-b\nENV C=${B}c E=$C.e\nUSER $C\n\
             FROM a AS b\nARG G\nENV D=$C-$G\nCOPY --from=$D x y\nRUN --mount=from=$A$G x\n\
             FROM a\nUSER $A-$C\n",
        );
        let values = |stage: usize| -> Vec<_> {
            m.stages[stage]
                .variables
                .iter()
                .map(|v| (v.name.as_str(), v.value.as_deref()))
                .collect()
        };
        assert_eq!(
            values(0),
            [
                ("A", Some("1")),
                ("B", Some("1-b")),
                ("C", Some("1-bc")),
                ("E", Some("1-bc.e"))
            ]
        );
        assert_eq!(m.stages[0].user.as_ref().unwrap().value, "1-bc");
        assert_eq!(values(1), [("G", Some("g")), ("D", Some("1-bc-g"))]);
        let sources: Vec<_> = m.stages[1]
            .copies_from
            .iter()
            .map(|c| match &c.source {
                BaseImage::Image(image) => image.text.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sources, ["1-bc-g", "1g"]);
        // The ENVs of `a` are inherited, its ARGs and the variables of `b` are not.
        assert_eq!(m.stages[2].user.as_ref().unwrap().value, "1-1-bc");
        use plimsoll_parser::expand::Env;
        let last = m.variables_at(m.file.instructions.len() - 1);
        assert_eq!((last.get("B"), last.get("D")), (None, None));
    }

    #[test]
    fn scopes_find_what_the_variable_lists_hold() {
        let m = model(
            "ARG G=g\nARG H\nFROM alpine AS a\nENV A=1 A=2\nARG B=$A-b\nARG G\nENV C=${B}c\n\
             ARG H\nRUN x\nFROM a AS b\nARG G\nENV A=3 D=$C-$G\nRUN y\nFROM b\nARG B\n\
             USER $A\nFROM scratch\nENV A=4\n",
        );
        let names = ["A", "B", "C", "D", "G", "H", "X"];
        for id in 0..m.file.instructions.len() {
            let (list, scope) = (m.variables_at(id), m.scope_at(id));
            for name in names {
                assert_eq!(list.get(name), scope.get(name), "{name} at {id}");
            }
        }
        let mut scope = m.scope_at(8);
        scope.push("A", "set");
        assert_eq!(scope.get("A"), Some("set"));
        assert_eq!(m.ids_of(Keyword::Run, 0..13), [8, 12]);
        assert_eq!(m.ids_of(Keyword::Run, 9..12), [] as [usize; 0]);
    }

    #[test]
    fn literal_words_expand_to_themselves() {
        let lexer = Lexer::new('\\');
        let backtick = Lexer::new('`');
        for word in [
            "/opt/bin",
            "a b",
            "x=1",
            "\\",
            "a\\b",
            "'q'",
            "\"q\"",
            "$A",
            "\u{FEFF}x",
            "",
            "a`b",
        ] {
            for lexer in [lexer, backtick] {
                if let Some(fast) = literal_expansion(&lexer, word) {
                    assert_eq!(Ok(fast), lexer.process_word(word, &EmptyEnv), "{word:?}");
                }
            }
        }
        assert!(literal_expansion(&lexer, "/opt/bin").is_some());
        assert!(literal_expansion(&lexer, "a\\b").is_none());
        assert!(literal_expansion(&backtick, "a\\b").is_some());
    }

    #[test]
    fn user_and_shell_are_inherited() {
        let m = model(
            "FROM alpine AS base\nUSER app\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nRUN id\n\
             FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN dir\n",
        );
        assert_eq!(m.stages[1].user.as_ref().unwrap().value, "app");
        assert_eq!(m.stages[1].shell[0], "/bin/bash");
        assert!(!m.stages[2].has_posix_shell());
        assert_eq!(m.runs.len(), 1);
    }

    #[test]
    fn run_scripts_have_file_ranges() {
        let text = "FROM alpine\nRUN apk add \\\n    curl && rm -rf /tmp/*\n";
        let m = model(text);
        let run = &m.runs[0];
        let names: Vec<_> = run.script.commands().filter_map(|c| c.program()).collect();
        assert_eq!(names, ["apk", "rm"]);
        let curl = &run.script.commands().next().unwrap().args[1];
        assert_eq!(&text[curl.range.as_usize()], "curl");
    }

    #[test]
    fn heredoc_scripts_are_parsed_when_the_shell_runs_them() {
        let text =
            "FROM alpine\nRUN <<EOF\napk add curl\nEOF\nRUN cat <<EOF > /x\napt-get x\nEOF\n";
        let m = model(text);
        let heredoc_runs: Vec<_> = m
            .runs
            .iter()
            .filter(|r| matches!(r.source, ScriptSource::Heredoc(_)))
            .collect();
        assert_eq!(heredoc_runs.len(), 1);
        let apk = heredoc_runs[0].script.commands().next().unwrap();
        assert_eq!(&text[apk.range.as_usize()], "apk add curl");
    }
}
