//! From the tree-sitter-bash tree to the shell model.
//!
//! The tree is read once, in order. Simple commands are pushed to one arena as they are met
//! (a command before the commands nested in its words), so that every node's commands form
//! a contiguous range of ids. Sequences of statements (`program`, bodies, substitutions,
//! and `ERROR` nodes) go through a [`ListBuilder`] that understands statements, `list`
//! nodes (left-deep trees of `&&`/`||`, flattened without recursion), pipelines, operators
//! and, in syntax errors, loose words, from which it rebuilds commands.
//!
//! Recursion only follows the nesting of the script (compounds, substitutions) and is cut
//! at [`MAX_DEPTH`]; long sequences are walked with tree cursors, never recursively.

use super::unquote;
use super::{
    Assignment, CaseArm, Command, CommandId, Compound, CompoundKind, Connector, IfBranch, List,
    ListItem, Pipeline, Redirect, RedirectOp, Scope, ShellError, ShellErrorKind, ShellScript,
    Statement, Substitution, SubstitutionKind, Word,
};
use crate::text::{SourceMap, TextRange};
use tree_sitter::{Node, Tree};

/// How deep the conversion recurses (each compound, substitution or error region is a
/// level or two); below that, commands are dropped and a [`ShellErrorKind::TooDeep`] error
/// is reported.
const MAX_DEPTH: u32 = 64;

/// At most this many errors are reported.
const MAX_ERRORS: usize = 100;

pub(super) fn build(
    text: &str,
    map: SourceMap,
    tree: &Tree,
    mut errors: Vec<ShellError>,
) -> ShellScript {
    let root = tree.root_node();
    let mut ctx = Ctx {
        text,
        map: &map,
        commands: Vec::new(),
        substitutions: Vec::new(),
        scopes: Vec::new(),
        too_deep: None,
    };
    let body = ctx.sequence(root, children(root), 0);
    if root.has_error() {
        collect_errors(&ctx, root, &mut errors);
    }
    if let Some(at) = ctx.too_deep {
        errors.push(ShellError {
            kind: ShellErrorKind::TooDeep,
            message: format!(
                "nested more than {MAX_DEPTH} levels deep: inner commands are not analysed"
            ),
            range: map.range_to_source(at),
            script_range: at,
        });
    }
    errors.sort_by_key(|e| (e.script_range.start, e.script_range.end));
    errors.truncate(MAX_ERRORS);
    let Ctx {
        mut commands,
        mut substitutions,
        ..
    } = ctx;
    // Only now is every command complete: redirections met after a command can still add
    // arguments to it.
    for command in &mut commands {
        command.unwrapped_name = command.find_unwrapped_name();
    }
    substitutions.sort_by_key(|s| (s.script_range.start, std::cmp::Reverse(s.script_range.end)));
    ShellScript {
        text: text.to_string(),
        map,
        body,
        commands,
        substitutions,
        errors,
    }
}

/// The children of `node`, in order (with a cursor: `Node::child(i)` is linear in `i`).
fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// The children of `node` with their field names.
fn fields(node: Node<'_>) -> Vec<(Option<&'static str>, Node<'_>)> {
    let mut cursor = node.walk();
    let mut out = Vec::new();
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.field_name(), cursor.node()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// The nodes of `node`'s subtree (itself included) for which `stop` holds, without
/// descending into them, in order.
fn find_all<'t>(node: Node<'t>, stop: impl Fn(Node<'t>) -> bool) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        let descend = if stop(current) {
            out.push(current);
            false
        } else {
            true
        };
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

fn is_substitution(node: Node<'_>) -> bool {
    matches!(node.kind(), "command_substitution" | "process_substitution")
}

/// Kinds that are statements.
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "command"
            | "variable_assignment"
            | "variable_assignments"
            | "declaration_command"
            | "unset_command"
            | "test_command"
            | "negated_command"
            | "subshell"
            | "compound_statement"
            | "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition"
            | "redirected_statement"
            | "pipeline"
            | "list"
    )
}

/// Kinds that are words (or parts of words) when met loose in a syntax error.
fn is_literal(kind: &str) -> bool {
    matches!(
        kind,
        "word"
            | "string"
            | "raw_string"
            | "ansi_c_string"
            | "translated_string"
            | "number"
            | "concatenation"
            | "expansion"
            | "simple_expansion"
            | "command_substitution"
            | "process_substitution"
            | "arithmetic_expansion"
            | "brace_expression"
            | "command_name"
    )
}

/// Clamps a tree-sitter byte offset to a char boundary of `text`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

struct Ctx<'a> {
    text: &'a str,
    map: &'a SourceMap,
    commands: Vec<Command>,
    substitutions: Vec<Substitution>,
    scopes: Vec<Scope>,
    /// Where the depth limit was first hit.
    too_deep: Option<TextRange>,
}

impl<'a> Ctx<'a> {
    fn script_range(&self, node: Node<'_>) -> TextRange {
        let start = floor_boundary(self.text, node.start_byte());
        let end = floor_boundary(self.text, node.end_byte()).max(start);
        TextRange::from_usize(start, end)
    }

    fn slice(&self, range: TextRange) -> &'a str {
        self.text.get(range.as_usize()).unwrap_or("")
    }

    fn node_text(&self, node: Node<'_>) -> &'a str {
        self.slice(self.script_range(node))
    }

    fn file(&self, range: TextRange) -> TextRange {
        self.map.range_to_source(range)
    }

    fn next_id(&self) -> u32 {
        u32::try_from(self.commands.len()).unwrap_or(u32::MAX)
    }

    /// Whether `depth` is over the limit (and remembers where).
    fn too_deep(&mut self, depth: u32, node: Node<'_>) -> bool {
        if depth <= MAX_DEPTH {
            return false;
        }
        if self.too_deep.is_none() {
            self.too_deep = Some(self.script_range(node));
        }
        true
    }

    fn with_scope<T>(&mut self, scope: Scope, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(scope);
        let out = f(self);
        self.scopes.pop();
        out
    }

    /// A list from a sequence of statements (the children of `container`).
    fn sequence<'t>(&mut self, container: Node<'t>, nodes: Vec<Node<'t>>, depth: u32) -> List {
        let mut builder = ListBuilder::new(self, depth);
        if !self.too_deep(depth, container) {
            for node in nodes {
                builder.feed(self, node, depth);
            }
        }
        let at = self.script_range(container).start;
        builder.finish(self, at)
    }

    // ----- words -----

    /// A word, and the substitutions in it.
    fn word(&mut self, node: Node<'_>, depth: u32) -> Word {
        let script_range = self.script_range(node);
        let value = self.static_value(node, 0);
        self.substitutions_in(node, depth);
        Word {
            text: self.slice(script_range).to_string(),
            value,
            range: self.file(script_range),
            script_range,
        }
    }

    /// A word for an anonymous token (`export`, `[`, `==`).
    fn token_word(&self, node: Node<'_>) -> Word {
        let script_range = self.script_range(node);
        let text = self.slice(script_range).to_string();
        Word {
            value: Some(text.clone()),
            text,
            range: self.file(script_range),
            script_range,
        }
    }

    fn static_value(&self, node: Node<'_>, depth: u32) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let text = self.node_text(node);
        if !node.is_named() {
            return Some(text.to_string());
        }
        match node.kind() {
            "word"
            | "number"
            | "extglob_pattern"
            | "test_operator"
            | "variable_name"
            | "special_variable_name" => Some(unquote::unquoted(text)),
            "regex" => Some(text.to_string()),
            "heredoc_start" => Some(
                text.chars()
                    .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                    .collect(),
            ),
            "command_name" => {
                let mut cursor = node.walk();
                let child = node.named_children(&mut cursor).next()?;
                self.static_value(child, depth + 1)
            }
            "raw_string" => {
                let inner = text.strip_prefix('\'').unwrap_or(text);
                Some(inner.strip_suffix('\'').unwrap_or(inner).to_string())
            }
            "ansi_c_string" => {
                let inner = text.strip_prefix("$'").unwrap_or(text);
                Some(unquote::ansi_c(inner.strip_suffix('\'').unwrap_or(inner)))
            }
            "string" => {
                let mut out = String::new();
                for child in children(node) {
                    match child.kind() {
                        "\"" => {}
                        "string_content" => {
                            out.push_str(&unquote::double_quoted(self.node_text(child)))
                        }
                        _ if !child.is_named() => out.push_str(self.node_text(child)),
                        _ => return None,
                    }
                }
                Some(out)
            }
            "translated_string" => {
                let mut cursor = node.walk();
                let string = node.named_children(&mut cursor).next()?;
                self.static_value(string, depth + 1)
            }
            "concatenation" => {
                let mut out = String::new();
                for child in children(node) {
                    if child.kind() == "``" {
                        return None;
                    }
                    out.push_str(&self.static_value(child, depth + 1)?);
                }
                Some(out)
            }
            "variable_assignment" => {
                let mut out = String::new();
                for child in children(node) {
                    out.push_str(&self.static_value(child, depth + 1)?);
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// Builds the substitutions found anywhere in `node`.
    fn substitutions_in(&mut self, node: Node<'_>, depth: u32) {
        // Cheap test first: most words have no substitution.
        let text = self.node_text(node);
        if !text.contains("$(")
            && !text.contains('`')
            && !text.contains("<(")
            && !text.contains(">(")
        {
            return;
        }
        for sub in find_all(node, is_substitution) {
            self.substitution(sub, depth + 1);
        }
    }

    fn substitution(&mut self, node: Node<'_>, depth: u32) {
        let script_range = self.script_range(node);
        let opener = self.slice(script_range);
        let kind = if opener.starts_with("<(") {
            SubstitutionKind::ProcessInput
        } else if opener.starts_with(">(") {
            SubstitutionKind::ProcessOutput
        } else if opener.starts_with("$(") {
            SubstitutionKind::Dollar
        } else {
            SubstitutionKind::Backtick
        };
        let scope = match kind {
            SubstitutionKind::ProcessInput | SubstitutionKind::ProcessOutput => {
                Scope::ProcessSubstitution
            }
            _ => Scope::CommandSubstitution,
        };
        let body = self.with_scope(scope, |ctx| ctx.sequence(node, children(node), depth));
        self.substitutions.push(Substitution {
            kind,
            body,
            range: self.file(script_range),
            script_range,
        });
    }

    // ----- commands -----

    fn push_command(&mut self, script_range: TextRange) -> CommandId {
        let id = CommandId(self.next_id());
        self.commands.push(Command {
            id,
            name: None,
            args: Vec::new(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            range: self.file(script_range),
            script_range,
            before: None,
            after: None,
            pipeline_index: 0,
            pipeline_len: 1,
            scopes: self.scopes.clone(),
            recovered: false,
            unwrapped_name: None,
        });
        id
    }

    fn command_mut(&mut self, id: CommandId) -> Option<&mut Command> {
        self.commands.get_mut(id.index())
    }

    /// A `command` node.
    fn command(&mut self, node: Node<'_>, depth: u32) -> Option<CommandId> {
        let script_range = self.script_range(node);
        if script_range.is_empty() {
            return None;
        }
        let id = self.push_command(script_range);
        let mut name = None;
        let mut args = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (_, "variable_assignment") => assignments.push(self.assignment(child, depth)),
                (Some("name"), _)
                    if !child.is_missing() && child.end_byte() > child.start_byte() =>
                {
                    name = Some(self.word(child, depth));
                }
                (Some("redirect"), _) => {
                    let (redirect, extra) = self.redirect(child, depth);
                    redirects.extend(redirect);
                    args.extend(extra);
                }
                (Some("argument"), _) => args.push(self.word(child, depth)),
                (_, "subshell") => args.push(self.word(child, depth)),
                _ => {}
            }
        }
        let map = self.map;
        let cmd = self.command_mut(id)?;
        cmd.name = name;
        cmd.args = args;
        cmd.assignments = assignments;
        cmd.redirects = redirects;
        adopt_descriptors(cmd, map);
        Some(id)
    }

    /// A command made only of assignments (`variable_assignment(s)`).
    fn assignments_only(&mut self, node: Node<'_>, depth: u32) -> Option<CommandId> {
        let script_range = self.script_range(node);
        let id = self.push_command(script_range);
        let nodes = if node.kind() == "variable_assignment" {
            vec![node]
        } else {
            children(node)
        };
        let assignments = nodes
            .into_iter()
            .filter(|n| n.kind() == "variable_assignment")
            .map(|n| self.assignment(n, depth))
            .collect();
        self.command_mut(id)?.assignments = assignments;
        Some(id)
    }

    /// `export A=1 B`, `local x`, `unset y`: the keyword is the name, the rest arguments.
    fn declaration(&mut self, node: Node<'_>, depth: u32) -> Option<CommandId> {
        let id = self.push_command(self.script_range(node));
        let mut name = None;
        let mut args = Vec::new();
        for child in children(node) {
            if child.kind() == "comment" || child.is_missing() {
                continue;
            }
            if name.is_none() && !child.is_named() {
                name = Some(self.token_word(child));
            } else {
                args.push(self.word(child, depth));
            }
        }
        let cmd = self.command_mut(id)?;
        cmd.name = name;
        cmd.args = args;
        Some(id)
    }

    /// `[ … ]` / `[[ … ]]`: named `[` / `[[`, the words and operators as arguments.
    fn test(&mut self, node: Node<'_>, depth: u32) -> Option<CommandId> {
        let id = self.push_command(self.script_range(node));
        let all = children(node);
        let mut name = None;
        let mut args = Vec::new();
        let last = all.len().saturating_sub(1);
        for (i, child) in all.into_iter().enumerate() {
            if i == 0 && !child.is_named() {
                name = Some(self.token_word(child));
                continue;
            }
            if i == last && matches!(child.kind(), "]" | "]]") {
                continue;
            }
            let leaves = find_all(child, |n| {
                n.child_count() == 0
                    || is_literal(n.kind())
                    || matches!(n.kind(), "regex" | "extglob_pattern")
            });
            for leaf in leaves {
                if leaf.is_missing() || leaf.kind() == "comment" {
                    continue;
                }
                args.push(if leaf.is_named() {
                    self.word(leaf, depth)
                } else {
                    self.token_word(leaf)
                });
            }
        }
        let cmd = self.command_mut(id)?;
        cmd.name = name;
        cmd.args = args;
        Some(id)
    }

    fn assignment(&mut self, node: Node<'_>, depth: u32) -> Assignment {
        let script_range = self.script_range(node);
        let mut name = String::new();
        let mut name_range = TextRange::empty(script_range.start);
        let mut append = false;
        let mut value = None;
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (Some("name"), _) => {
                    name_range = self.script_range(child);
                    name = self.slice(name_range).to_string();
                }
                (_, "+=") => append = true,
                (Some("value"), _) => value = Some(self.word(child, depth)),
                _ => {}
            }
        }
        let value = value.unwrap_or_else(|| {
            let at = TextRange::empty(script_range.end);
            Word {
                text: String::new(),
                value: Some(String::new()),
                range: self.file(at),
                script_range: at,
            }
        });
        Assignment {
            name,
            name_range: self.file(name_range),
            append,
            value,
            range: self.file(script_range),
            script_range,
        }
    }

    /// A `file_redirect` or `herestring_redirect` (extra destination words are arguments
    /// of the command: `echo a > f b`).
    fn redirect(&mut self, node: Node<'_>, depth: u32) -> (Option<Redirect>, Vec<Word>) {
        let script_range = self.script_range(node);
        let mut fd = None;
        let mut op = None;
        let mut target = None;
        let mut extra = Vec::new();
        for (field, child) in fields(node) {
            match field {
                Some("descriptor") => fd = self.node_text(child).parse().ok(),
                Some("destination") => {
                    let word = self.word(child, depth);
                    if target.is_none() {
                        target = Some(word);
                    } else {
                        extra.push(word);
                    }
                }
                _ if !child.is_named() => {
                    if let Some(o) = RedirectOp::from_token(child.kind()) {
                        op = Some(o);
                    }
                }
                _ if is_literal(child.kind()) && target.is_none() => {
                    // A here-string's word has no field.
                    target = Some(self.word(child, depth));
                }
                _ => {}
            }
        }
        let redirect = op.map(|op| Redirect {
            fd,
            op,
            target,
            heredoc_body: None,
            range: self.file(script_range),
            script_range,
        });
        (redirect, extra)
    }

    /// A `heredoc_redirect`: the redirect, redirections and arguments written after the
    /// delimiter, and what follows it on its line (`| cmd`, `&& cmd`) to be fed to the
    /// enclosing list.
    fn heredoc<'t>(&mut self, node: Node<'t>, depth: u32) -> HeredocParts<'t> {
        let mut parts = HeredocParts::default();
        let start = self.script_range(node).start;
        let mut end = start;
        let mut fd = None;
        let mut op = RedirectOp::Heredoc;
        let mut target = None;
        let mut body = None;
        let mut quoted = false;
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (Some("descriptor"), _) => fd = self.node_text(child).parse().ok(),
                (_, "<<") => end = self.script_range(child).end,
                (_, "<<-") => {
                    op = RedirectOp::HeredocStrip;
                    end = self.script_range(child).end;
                }
                (_, "heredoc_start") => {
                    let word = self.word(child, depth);
                    quoted = word.text.contains(['\'', '"', '\\']);
                    end = word.script_range.end;
                    target = Some(word);
                }
                (Some("redirect"), _) => {
                    let (redirect, extra) = self.redirect(child, depth);
                    parts.redirects.extend(redirect);
                    parts.args.extend(extra);
                }
                (Some("argument"), _) => parts.args.push(self.word(child, depth)),
                (_, "pipeline") => parts.follow.extend(children(child)),
                (Some("operator"), _) | (Some("right"), _) => parts.follow.push(child),
                (_, "heredoc_body") => {
                    let script_range = self.script_range(child);
                    let text = self.slice(script_range);
                    // With a quoted delimiter, tree-sitter finds no expansion in the body.
                    let dynamic = child.named_child_count() > 0
                        && !find_all(child, |n| {
                            matches!(
                                n.kind(),
                                "expansion" | "simple_expansion" | "command_substitution"
                            )
                        })
                        .is_empty();
                    let value = if quoted {
                        Some(text.to_string())
                    } else if dynamic {
                        None
                    } else {
                        Some(unquote::heredoc(text))
                    };
                    self.substitutions_in(child, depth);
                    body = Some(Word {
                        text: text.to_string(),
                        value,
                        range: self.file(script_range),
                        script_range,
                    });
                }
                _ => {}
            }
        }
        let script_range = TextRange::new(start, end);
        parts.redirects.insert(
            0,
            Redirect {
                fd,
                op,
                target,
                heredoc_body: body,
                range: self.file(script_range),
                script_range,
            },
        );
        parts
    }

    // ----- compounds -----

    /// A statement that is not a pipeline or list: a simple command or a compound.
    fn element(&mut self, node: Node<'_>, depth: u32) -> Option<Statement> {
        match node.kind() {
            "command" => self.command(node, depth).map(Statement::Command),
            "variable_assignment" | "variable_assignments" => {
                self.assignments_only(node, depth).map(Statement::Command)
            }
            "declaration_command" | "unset_command" => {
                self.declaration(node, depth).map(Statement::Command)
            }
            "test_command" => self.test(node, depth).map(Statement::Command),
            "negated_command" => {
                let inner = children(node)
                    .into_iter()
                    .find(|n| n.is_named() && n.kind() != "comment")?;
                self.element(inner, depth)
            }
            _ => self
                .compound(node, depth)
                .map(|c| Statement::Compound(Box::new(c))),
        }
    }

    /// A compound statement. Each kind is built by its own function, kept out of line so
    /// that the recursion through nested compounds uses little stack.
    #[inline(never)]
    fn compound(&mut self, node: Node<'_>, depth: u32) -> Option<Compound> {
        if self.too_deep(depth, node) {
            return None;
        }
        let start = self.next_id();
        let depth = depth + 1;
        let mut redirects = Vec::new();
        let kind = match node.kind() {
            "subshell" => CompoundKind::Subshell(self.body(Scope::Subshell, node, depth)),
            "compound_statement" => self.brace_group(node, depth),
            "if_statement" => self.if_statement(node, depth),
            "while_statement" => self.while_loop(node, depth),
            "for_statement" => self.for_loop(node, depth),
            "c_style_for_statement" => self.arithmetic_for(node, depth),
            "case_statement" => self.case(node, depth),
            "function_definition" => self.function(node, depth, &mut redirects),
            "redirected_statement" | "pipeline" | "list" | "ERROR" => {
                CompoundKind::Recovered(self.sequence(node, vec![node], depth))
            }
            _ => return None,
        };
        let script_range = self.script_range(node);
        Some(Compound {
            kind,
            redirects,
            range: self.file(script_range),
            script_range,
            commands: start..self.next_id(),
        })
    }

    /// The statements of `container` (its keywords and brackets are ignored), in `scope`.
    fn body(&mut self, scope: Scope, container: Node<'_>, depth: u32) -> List {
        self.with_scope(scope, |ctx| {
            ctx.sequence(container, children(container), depth)
        })
    }

    /// An empty list at the end of `node` (a body tree-sitter did not find).
    fn empty_at_end(&self, node: Node<'_>) -> List {
        let end = self.script_range(node).end;
        List::empty(self.file(TextRange::empty(end)), end)
    }

    #[inline(never)]
    fn brace_group(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        if node.child(0).is_some_and(|c| c.kind() == "((") {
            self.substitutions_in(node, depth);
            CompoundKind::Arithmetic
        } else {
            CompoundKind::Group(self.body(Scope::Group, node, depth))
        }
    }

    #[inline(never)]
    fn while_loop(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        let mut until = false;
        let mut condition = Vec::new();
        let mut do_group = None;
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (_, "until") => until = true,
                (Some("condition"), _) => condition.push(child),
                (Some("body"), _) => do_group = Some(child),
                _ => {}
            }
        }
        let condition =
            self.with_scope(Scope::Condition, |ctx| ctx.sequence(node, condition, depth));
        let body = self.loop_body(node, do_group, depth);
        CompoundKind::While {
            until,
            condition,
            body,
        }
    }

    /// A loop's `do … done` body; an empty list at the loop's end when it has none (a
    /// half-typed loop).
    fn loop_body(&mut self, node: Node<'_>, do_group: Option<Node<'_>>, depth: u32) -> List {
        match do_group {
            Some(group) => self.body(Scope::Loop, group, depth),
            None => self.empty_at_end(node),
        }
    }

    #[inline(never)]
    fn for_loop(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        let mut select = false;
        let mut variable = None;
        let mut values: Option<Vec<Word>> = None;
        let mut do_group = None;
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (_, "select") => select = true,
                (_, "in") => values = Some(values.unwrap_or_default()),
                (Some("variable"), _) => variable = Some(self.word(child, depth)),
                (Some("value"), _) => values
                    .get_or_insert_with(Vec::new)
                    .push(self.word(child, depth)),
                (Some("body"), _) => do_group = Some(child),
                _ => {}
            }
        }
        let body = self.loop_body(node, do_group, depth);
        CompoundKind::For {
            select,
            variable,
            values,
            body,
        }
    }

    #[inline(never)]
    fn arithmetic_for(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        let mut do_group = None;
        for (field, child) in fields(node) {
            if field == Some("body") {
                do_group = Some(child);
            } else {
                self.substitutions_in(child, depth);
            }
        }
        let body = self.loop_body(node, do_group, depth);
        CompoundKind::ArithmeticFor { body }
    }

    #[inline(never)]
    fn case(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        let mut subject = None;
        let mut arms = Vec::new();
        for (field, child) in fields(node) {
            match (field, child.kind()) {
                (Some("value"), _) => subject = Some(self.word(child, depth)),
                (_, "case_item") => arms.push(self.case_arm(child, depth)),
                _ => {}
            }
        }
        CompoundKind::Case { subject, arms }
    }

    #[inline(never)]
    fn function(
        &mut self,
        node: Node<'_>,
        depth: u32,
        redirects: &mut Vec<Redirect>,
    ) -> CompoundKind {
        let mut name = None;
        let mut body_node = None;
        let mut redirect_nodes = Vec::new();
        for (field, child) in fields(node) {
            match field {
                Some("name") => name = Some(self.word(child, depth)),
                Some("body") => body_node = Some(child),
                Some("redirect") => redirect_nodes.push(child),
                _ => {}
            }
        }
        let body = self.with_scope(Scope::Function, |ctx| {
            ctx.sequence(node, body_node.into_iter().collect(), depth)
        });
        // A redirect on the definition (`f() { …; } > log`) applies to each call.
        for child in redirect_nodes {
            redirects.extend(self.redirect(child, depth).0);
        }
        CompoundKind::Function { name, body }
    }

    #[inline(never)]
    fn if_statement(&mut self, node: Node<'_>, depth: u32) -> CompoundKind {
        let mut clauses = vec![node];
        let mut else_clause = None;
        for child in children(node) {
            match child.kind() {
                "elif_clause" => clauses.push(child),
                "else_clause" => else_clause = Some(child),
                _ => {}
            }
        }
        let mut branches = Vec::new();
        for clause in clauses {
            let mut condition = Vec::new();
            let mut body = Vec::new();
            let mut in_body = false;
            for child in children(clause) {
                match child.kind() {
                    "if" | "elif" | "fi" | "elif_clause" | "else_clause" => {}
                    "then" => in_body = true,
                    _ if in_body => body.push(child),
                    _ => condition.push(child),
                }
            }
            let condition = self.with_scope(Scope::Condition, |ctx| {
                ctx.sequence(clause, condition, depth)
            });
            let body = self.with_scope(Scope::Branch, |ctx| ctx.sequence(clause, body, depth));
            branches.push(IfBranch { condition, body });
        }
        let else_body = else_clause.map(|clause| {
            let nodes: Vec<_> = children(clause)
                .into_iter()
                .filter(|n| n.kind() != "else")
                .collect();
            self.with_scope(Scope::Branch, |ctx| ctx.sequence(clause, nodes, depth))
        });
        CompoundKind::If {
            branches,
            else_body,
        }
    }

    #[inline(never)]
    fn case_arm(&mut self, node: Node<'_>, depth: u32) -> CaseArm {
        let mut patterns = Vec::new();
        let mut body = Vec::new();
        let mut in_body = false;
        for (field, child) in fields(node) {
            if in_body {
                body.push(child);
            } else if field == Some("value") {
                patterns.push(self.word(child, depth));
            } else if child.kind() == ")" {
                in_body = true;
            }
        }
        let body = self.with_scope(Scope::CaseArm, |ctx| ctx.sequence(node, body, depth));
        CaseArm {
            patterns,
            body,
            range: self.file(self.script_range(node)),
        }
    }
}

#[derive(Default)]
struct HeredocParts<'t> {
    redirects: Vec<Redirect>,
    args: Vec<Word>,
    /// Nodes to feed to the enclosing list after the command (`| cmd`, `&& cmd`).
    follow: Vec<Node<'t>>,
}

/// tree-sitter-bash reads `cat 0<&3` as the argument `0` and the redirection `<&3`: a
/// digits-only argument that touches a redirection without descriptor is its descriptor.
fn adopt_descriptors(cmd: &mut Command, map: &SourceMap) {
    for r in cmd.redirects.iter_mut().filter(|r| r.fd.is_none()) {
        let Some(i) = cmd.args.iter().position(|a| {
            a.script_range.end == r.script_range.start
                && !a.text.is_empty()
                && a.text.bytes().all(|b| b.is_ascii_digit())
        }) else {
            continue;
        };
        let Ok(fd) = cmd.args[i].text.parse() else {
            continue;
        };
        let word = cmd.args.remove(i);
        r.fd = Some(fd);
        r.script_range = word.script_range.cover(r.script_range);
        r.range = map.range_to_source(r.script_range);
    }
}

/// The body and redirections of a `redirected_statement`.
#[inline(never)]
fn redirected_parts(node: Node<'_>) -> (Option<Node<'_>>, Vec<Node<'_>>) {
    let mut body = None;
    let mut redirects = Vec::new();
    for (field, child) in fields(node) {
        match (field, child.kind()) {
            (Some("body"), _) => body = Some(child),
            (_, "file_redirect" | "heredoc_redirect" | "herestring_redirect") => {
                redirects.push(child)
            }
            _ => {}
        }
    }
    (body, redirects)
}

/// Pending work of [`ListBuilder::feed`].
enum Task<'t> {
    Feed(Node<'t>),
    /// Attach redirections to the last element fed, or (`true`) to a new command without
    /// a name.
    Attach(Vec<Node<'t>>, bool),
    /// Turn loose words into a command (at the end of an error region).
    Flush,
    /// Mark the current pipeline as negated (after its first element, whose commands start
    /// at this id, is fed).
    Negate(u32),
}

/// A pipeline being built.
struct PipelineBuilder {
    elements: Vec<Statement>,
    /// The first command id of each element.
    element_starts: Vec<u32>,
    negated: bool,
    script_range: Option<TextRange>,
    start: u32,
}

/// Builds a [`List`] from statements, operators, and the debris of syntax errors.
struct ListBuilder<'t> {
    items: Vec<ListItem>,
    current: Option<PipelineBuilder>,
    /// A `|` was seen: the next statement joins the current pipeline.
    pipe_pending: bool,
    /// Loose words (and redirections, assignments) of a syntax error, to become a
    /// recovered command.
    loose: Vec<Node<'t>>,
    /// The scope depth of the list, for [`Scope::Pipeline`].
    base_scopes: usize,
    /// The nesting depth of the list.
    depth: u32,
}

impl<'t> ListBuilder<'t> {
    fn new(ctx: &Ctx<'_>, depth: u32) -> Self {
        ListBuilder {
            items: Vec::new(),
            current: None,
            pipe_pending: false,
            loose: Vec::new(),
            base_scopes: ctx.scopes.len(),
            depth,
        }
    }

    /// Feeds a node of a sequence. Iterative: tree-sitter nests `list`, `pipeline` and
    /// `redirected_statement` nodes left-deep, one level per `&&`.
    fn feed(&mut self, ctx: &mut Ctx<'_>, node: Node<'t>, depth: u32) {
        let mut tasks = vec![Task::Feed(node)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Feed(node) => self.step(ctx, node, depth, &mut tasks),
                Task::Attach(redirects, alone) => {
                    if alone || self.current.as_ref().is_none_or(|p| p.elements.is_empty()) {
                        // Redirections alone: `> file`.
                        let at = redirects
                            .iter()
                            .map(|n| ctx.script_range(*n))
                            .reduce(TextRange::cover)
                            .unwrap_or_default();
                        let start = ctx.next_id();
                        let id = ctx.push_command(at);
                        self.push_element(ctx, Statement::Command(id), start);
                    }
                    let follow = self.attach_redirects(ctx, redirects, depth);
                    tasks.extend(follow.into_iter().rev().map(Task::Feed));
                }
                Task::Flush => self.flush_loose(ctx, depth),
                Task::Negate(start) => {
                    // Only the pipeline the negated statement started (not an earlier one,
                    // if the statement turned out empty).
                    if let Some(p) = self.current.as_mut().filter(|p| p.start >= start) {
                        p.negated = true;
                    }
                }
            }
        }
    }

    fn step(&mut self, ctx: &mut Ctx<'_>, node: Node<'t>, depth: u32, tasks: &mut Vec<Task<'t>>) {
        let kind = node.kind();
        match kind {
            "comment" => {}
            "list" | "pipeline" => tasks.extend(children(node).into_iter().rev().map(Task::Feed)),
            "redirected_statement" => {
                self.flush_loose(ctx, depth);
                let (body, redirects) = redirected_parts(node);
                tasks.push(Task::Attach(redirects, body.is_none()));
                tasks.extend(body.map(Task::Feed));
            }
            "negated_command" => {
                self.flush_loose(ctx, depth);
                if !self.pipe_pending {
                    tasks.push(Task::Negate(ctx.next_id()));
                }
                let inner = children(node)
                    .into_iter()
                    .find(|n| n.is_named() && n.kind() != "comment");
                tasks.extend(inner.map(Task::Feed));
            }
            "ERROR" => {
                self.flush_loose(ctx, depth);
                tasks.push(Task::Flush);
                tasks.extend(children(node).into_iter().rev().map(Task::Feed));
            }
            _ if is_statement(kind) => {
                self.flush_loose(ctx, depth);
                let start = ctx.next_id();
                if let Some(statement) = ctx.element(node, depth) {
                    self.push_element(ctx, statement, start);
                }
            }
            "&&" => self.separator(ctx, Connector::And, depth),
            "||" => self.separator(ctx, Connector::Or, depth),
            ";" | ";;" | ";&" | ";;&" => self.separator(ctx, Connector::Seq, depth),
            "&" => self.separator(ctx, Connector::Background, depth),
            "|" | "|&" => {
                self.flush_loose(ctx, depth);
                if self.current.is_some() {
                    self.pipe_pending = true;
                }
            }
            "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                if self.loose.is_empty() {
                    // A redirection alone (`$(< file)`, `> file`): a command of its own.
                    tasks.push(Task::Attach(vec![node], true));
                } else {
                    self.loose.push(node);
                }
            }
            _ if is_literal(kind) || kind == "variable_assignment" => {
                if !node.is_missing() && node.end_byte() > node.start_byte() {
                    self.loose.push(node);
                }
            }
            // Keywords, brackets, and anything else end a run of loose words.
            _ => self.flush_loose(ctx, depth),
        }
    }

    /// Attaches redirections to the last element of the current pipeline; returns what
    /// follows a here-document's delimiter, to be fed next.
    #[inline(never)]
    fn attach_redirects(
        &mut self,
        ctx: &mut Ctx<'_>,
        nodes: Vec<Node<'t>>,
        depth: u32,
    ) -> Vec<Node<'t>> {
        let mut redirects = Vec::new();
        let mut args = Vec::new();
        let mut follow = Vec::new();
        for node in nodes {
            if node.kind() == "heredoc_redirect" {
                let parts = ctx.heredoc(node, depth);
                redirects.extend(parts.redirects);
                args.extend(parts.args);
                follow.extend(parts.follow);
            } else {
                let (redirect, extra) = ctx.redirect(node, depth);
                redirects.extend(redirect);
                args.extend(extra);
            }
        }
        let map = ctx.map;
        let last = self.current.as_mut().and_then(|p| p.elements.last_mut());
        match last {
            Some(Statement::Command(id)) => {
                let id = *id;
                if let Some(cmd) = ctx.command_mut(id) {
                    for r in &redirects {
                        cmd.script_range = cmd.script_range.cover(r.script_range);
                    }
                    for a in &args {
                        cmd.script_range = cmd.script_range.cover(a.script_range);
                    }
                    cmd.redirects.extend(redirects);
                    cmd.args.extend(args);
                    cmd.range = map.range_to_source(cmd.script_range);
                    adopt_descriptors(cmd, map);
                }
            }
            Some(Statement::Compound(compound)) => {
                for r in &redirects {
                    compound.script_range = compound.script_range.cover(r.script_range);
                }
                compound.range = map.range_to_source(compound.script_range);
                compound.redirects.extend(redirects);
                compound.commands.end = ctx.next_id();
            }
            None => {}
        }
        if let Some(p) = &mut self.current {
            if let Some(last) = p.elements.last() {
                let range = match last {
                    Statement::Command(id) => ctx.commands.get(id.index()).map(|c| c.script_range),
                    Statement::Compound(c) => Some(c.script_range),
                };
                if let (Some(range), Some(r)) = (range, &mut p.script_range) {
                    *r = r.cover(range);
                }
            }
        }
        follow
    }

    fn push_element(&mut self, ctx: &mut Ctx<'_>, statement: Statement, start: u32) {
        let range = match &statement {
            Statement::Command(id) => ctx.commands.get(id.index()).map(|c| c.script_range),
            Statement::Compound(c) => Some(c.script_range),
        };
        if !self.pipe_pending {
            // The new element's commands are already in the arena: the previous pipeline
            // ends where they start.
            self.finish_pipeline(ctx, start);
            if let Some(last) = self.items.last_mut() {
                // Two statements without an operator: a newline was between them.
                last.separator.get_or_insert(Connector::Seq);
            }
        }
        self.pipe_pending = false;
        let pipeline = self.current.get_or_insert_with(|| PipelineBuilder {
            elements: Vec::new(),
            element_starts: Vec::new(),
            negated: false,
            script_range: None,
            start,
        });
        pipeline.elements.push(statement);
        pipeline.element_starts.push(start);
        if let Some(range) = range {
            pipeline.script_range = Some(match pipeline.script_range {
                Some(r) => r.cover(range),
                None => range,
            });
        }
    }

    fn separator(&mut self, ctx: &mut Ctx<'_>, connector: Connector, depth: u32) {
        self.flush_loose(ctx, depth);
        self.finish_pipeline(ctx, ctx.next_id());
        self.pipe_pending = false;
        if let Some(last) = self.items.last_mut() {
            last.separator = Some(connector);
        }
    }

    /// Closes the current pipeline; its commands end before id `end`.
    #[inline(never)]
    fn finish_pipeline(&mut self, ctx: &mut Ctx<'_>, end: u32) {
        let Some(p) = self.current.take() else { return };
        if p.elements.is_empty() {
            return;
        }
        let script_range = p.script_range.unwrap_or_default();
        self.items.push(ListItem {
            pipeline: Pipeline {
                elements: p.elements,
                negated: p.negated,
                range: ctx.file(script_range),
                script_range,
                commands: p.start..end,
            },
            separator: None,
        });
        // The element starts are only needed when finishing the list.
        if let Some(item) = self.items.last_mut() {
            let len = item.pipeline.elements.len();
            if len > 1 {
                let mut bounds = p.element_starts;
                bounds.push(end);
                for (i, element) in item.pipeline.elements.iter().enumerate() {
                    let own = match element {
                        Statement::Command(id) => Some(id.0),
                        Statement::Compound(_) => None,
                    };
                    for id in bounds[i]..bounds[i + 1] {
                        if Some(id) == own {
                            continue;
                        }
                        if let Some(cmd) = ctx.commands.get_mut(id as usize) {
                            let at = self.base_scopes.min(cmd.scopes.len());
                            cmd.scopes.insert(at, Scope::Pipeline);
                        }
                    }
                }
            }
        }
    }

    /// Turns the loose words of a syntax error into a recovered command.
    #[inline(never)]
    fn flush_loose(&mut self, ctx: &mut Ctx<'_>, depth: u32) {
        if self.loose.is_empty() {
            return;
        }
        let loose = std::mem::take(&mut self.loose);
        let script_range = loose
            .iter()
            .map(|n| ctx.script_range(*n))
            .reduce(TextRange::cover)
            .unwrap_or_default();
        let start = ctx.next_id();
        let id = ctx.push_command(script_range);
        let mut name = None;
        let mut args = Vec::new();
        let mut assignments = Vec::new();
        let mut redirect_nodes = Vec::new();
        for node in loose {
            match node.kind() {
                "variable_assignment" if name.is_none() => {
                    assignments.push(ctx.assignment(node, depth))
                }
                "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                    redirect_nodes.push(node)
                }
                _ => {
                    let word = ctx.word(node, depth);
                    if name.is_none() {
                        name = Some(word);
                    } else {
                        args.push(word);
                    }
                }
            }
        }
        if let Some(cmd) = ctx.command_mut(id) {
            cmd.name = name;
            cmd.args = args;
            cmd.assignments = assignments;
            cmd.recovered = true;
        }
        self.push_element(ctx, Statement::Command(id), start);
        if !redirect_nodes.is_empty() {
            // What follows a here-document's delimiter (`&& cmd`): one level deeper, since
            // this recurses.
            for node in self.attach_redirects(ctx, redirect_nodes, depth) {
                if !ctx.too_deep(depth + 1, node) {
                    self.feed(ctx, node, depth + 1);
                }
            }
        }
    }

    #[inline(never)]
    fn finish(mut self, ctx: &mut Ctx<'_>, at: u32) -> List {
        self.flush_loose(ctx, self.depth);
        self.finish_pipeline(ctx, ctx.next_id());
        // Where each command sits.
        let mut before = None;
        for item in &self.items {
            let len = item.pipeline.elements.len();
            for (i, element) in item.pipeline.elements.iter().enumerate() {
                if let Statement::Command(id) = element {
                    if let Some(cmd) = ctx.commands.get_mut(id.index()) {
                        cmd.pipeline_index = i;
                        cmd.pipeline_len = len;
                        cmd.before = if i == 0 {
                            before
                        } else {
                            Some(Connector::Pipe)
                        };
                        cmd.after = if i + 1 < len {
                            Some(Connector::Pipe)
                        } else {
                            item.separator
                        };
                    }
                }
            }
            before = item.separator;
        }
        let script_range = match (self.items.first(), self.items.last()) {
            (Some(first), Some(last)) => first
                .pipeline
                .script_range
                .cover(last.pipeline.script_range),
            _ => TextRange::empty(at),
        };
        List {
            items: self.items,
            range: ctx.file(script_range),
            script_range,
        }
    }
}

/// The `ERROR` and `MISSING` nodes (outermost errors only).
fn collect_errors(ctx: &Ctx<'_>, root: Node<'_>, errors: &mut Vec<ShellError>) {
    let mut cursor = root.walk();
    let mut found = 0;
    loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_error() || node.is_missing() {
            descend = false;
            found += 1;
            let script_range = ctx.script_range(node);
            let (kind, message) = if node.is_missing() {
                let what = match node.kind() {
                    "word" | "command_name" => "command".to_string(),
                    other if node.is_named() => other.replace('_', " "),
                    other => format!("`{other}`"),
                };
                (ShellErrorKind::Missing, format!("missing {what}"))
            } else {
                let text = ctx.slice(script_range);
                let mut shown: String = text.chars().take(24).collect();
                if shown.len() < text.len() {
                    shown.push('…');
                }
                (ShellErrorKind::Unexpected, format!("unexpected `{shown}`"))
            };
            errors.push(ShellError {
                kind,
                message,
                range: ctx.file(script_range),
                script_range,
            });
            if found >= MAX_ERRORS {
                return;
            }
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}
