use super::*;
use proptest::prelude::*;

fn parse(src: &str) -> ShellScript {
    ShellScript::parse_text(src)
}

/// The static names of every command (`?` for a dynamic or missing name).
fn names(s: &ShellScript) -> Vec<String> {
    s.commands()
        .map(|c| c.name_str().unwrap_or("?").to_string())
        .collect()
}

fn args(c: &Command) -> Vec<&str> {
    c.args.iter().map(|w| w.text.as_str()).collect()
}

fn values(c: &Command) -> Vec<Option<&str>> {
    c.args.iter().map(Word::as_str).collect()
}

fn cmd<'s>(s: &'s ShellScript, name: &str) -> &'s Command {
    s.commands()
        .find(|c| c.name_str() == Some(name))
        .unwrap_or_else(|| panic!("no command {name} in {:?}", names(s)))
}

/// Checks the invariants every model must satisfy, whatever the input.
fn check_invariants(s: &ShellScript) {
    let text = s.text();
    let in_text = |r: TextRange| {
        assert!(r.end as usize <= text.len(), "{r:?} out of {}", text.len());
        assert!(text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize));
    };
    let check_word = |w: &Word| {
        in_text(w.script_range);
        assert_eq!(w.text, s.slice(w.script_range));
        assert_eq!(w.range, s.to_file_range(w.script_range));
    };
    for (i, c) in s.commands().enumerate() {
        assert_eq!(c.id.index(), i);
        in_text(c.script_range);
        assert_eq!(c.range, s.to_file_range(c.script_range));
        assert!(c.pipeline_index < c.pipeline_len);
        c.name.iter().chain(&c.args).for_each(check_word);
        for a in &c.assignments {
            in_text(a.script_range);
            check_word(&a.value);
        }
        for r in &c.redirects {
            in_text(r.script_range);
            r.target.iter().chain(&r.heredoc_body).for_each(check_word);
        }
    }
    for l in s.lists() {
        in_text(l.script_range);
        let all = l.commands(s);
        for item in &l.items {
            let p = &item.pipeline;
            assert!(!p.elements.is_empty());
            for c in p.commands(s) {
                assert!(all.iter().any(|x| x.id == c.id));
            }
        }
    }
    for e in s.errors() {
        in_text(e.script_range);
    }
    for chain in s.and_chains() {
        assert!(!chain.is_empty());
        let (first, rest) = chain.items.split_last().unwrap();
        let _ = first;
        assert!(rest.iter().all(|i| i.separator == Some(Connector::And)));
    }
}

// ----- simple commands and words -----

#[test]
fn simple_command_words_and_ranges() {
    let s = parse("apt-get install -y --no-install-recommends curl=7.* 'a b' \"c d\" e\\ f");
    assert!(!s.has_errors());
    assert_eq!(names(&s), ["apt-get"]);
    let c = cmd(&s, "apt-get");
    assert_eq!(
        args(c),
        [
            "install",
            "-y",
            "--no-install-recommends",
            "curl=7.*",
            "'a b'",
            "\"c d\"",
            "e\\ f"
        ]
    );
    assert_eq!(
        values(c),
        [
            Some("install"),
            Some("-y"),
            Some("--no-install-recommends"),
            Some("curl=7.*"),
            Some("a b"),
            Some("c d"),
            Some("e f")
        ]
    );
    let y = &c.args[1];
    assert_eq!(y.script_range, TextRange::new(16, 18));
    assert_eq!(y.range, TextRange::new(16, 18));
    assert_eq!(c.script_range, TextRange::from_usize(0, s.text().len()));
    assert!(c.is_top_level() && !c.in_subshell() && !c.recovered);
    assert_eq!((c.before, c.after), (None, None));
    check_invariants(&s);
}

#[test]
fn word_values() {
    let s = parse(
        r#"echo "x $y" "$(id)" $HOME ${A:-b} $'a\tb' "a\"b\$c" 'it'"'"'s' pre"mid"'post' {1..3} a{b,c} ~/x *.deb $((1+2)) -- ''"#,
    );
    let c = cmd(&s, "echo");
    assert_eq!(
        values(c),
        [
            None,
            None,
            None,
            None,
            Some("a\tb"),
            Some("a\"b$c"),
            Some("it's"),
            Some("premidpost"),
            None,
            Some("a{b,c}"),
            Some("~/x"),
            Some("*.deb"),
            None,
            Some("--"),
            Some(""),
        ]
    );
    assert!(c.args[4].is_static() && !c.args[0].is_static());
    check_invariants(&s);
}

#[test]
fn dynamic_command_names() {
    let s = parse("$CC -o x x.c && \"$(which python)\" -V && /usr/bin/env true");
    let first = s.commands().next().unwrap();
    assert_eq!(first.name.as_ref().unwrap().text, "$CC");
    assert_eq!(first.name_str(), None);
    assert_eq!(first.program(), None);
    assert_eq!(names(&s), ["?", "?", "which", "/usr/bin/env"]);
    let env = cmd(&s, "/usr/bin/env");
    assert_eq!(env.program(), Some("env"));
    assert!(env.is("env"));
    assert_eq!(env.unwrapped().program(), Some("true"));
}

#[test]
fn basename_strips_directories() {
    assert_eq!(basename("/usr/bin/apt-get"), "apt-get");
    assert_eq!(basename("apt-get"), "apt-get");
    assert_eq!(basename("./configure"), "configure");
    assert_eq!(basename("dir/"), "");
    assert_eq!(basename(""), "");
}

// ----- lists, connectors, chains -----

#[test]
fn connectors_before_and_after() {
    let s = parse("a && b || c; d & e\nf | g |& h");
    assert!(!s.has_errors());
    assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f", "g", "h"]);
    let conn: Vec<_> = s.commands().map(|c| (c.before, c.after)).collect();
    use Connector::*;
    assert_eq!(
        conn,
        [
            (None, Some(And)),
            (Some(And), Some(Or)),
            (Some(Or), Some(Seq)),
            (Some(Seq), Some(Background)),
            (Some(Background), Some(Seq)),
            (Some(Seq), Some(Pipe)),
            (Some(Pipe), Some(Pipe)),
            (Some(Pipe), None),
        ]
    );
    let body = s.body();
    assert_eq!(body.items.len(), 6);
    let seps: Vec<_> = body.items.iter().map(|i| i.separator).collect();
    assert_eq!(
        seps,
        [
            Some(And),
            Some(Or),
            Some(Seq),
            Some(Background),
            Some(Seq),
            None
        ]
    );
    let h = cmd(&s, "h");
    assert_eq!((h.pipeline_index, h.pipeline_len), (2, 3));
    assert!(h.in_subshell());
    check_invariants(&s);
}

#[test]
fn long_and_chains_are_flat() {
    let src = vec!["apt-get install -y x > /dev/null 2>&1"; 5000].join(" && ");
    let s = parse(&src);
    assert!(!s.has_errors());
    assert_eq!(s.commands().len(), 5000);
    assert_eq!(s.body().items.len(), 5000);
    assert!(s.commands().all(|c| c.redirects.len() == 2));
    assert_eq!(s.and_chains().count(), 1);
    let src = vec!["a"; 20000].join(" || ");
    assert_eq!(parse(&src).commands().len(), 20000);
}

#[test]
fn and_chains_split_on_other_connectors() {
    let s = parse("a && b || c && d; e & f && g");
    let chains: Vec<Vec<String>> = s
        .and_chains()
        .map(|c| {
            c.commands()
                .iter()
                .map(|c| c.name_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        chains,
        [vec!["a", "b"], vec!["c", "d"], vec!["e"], vec!["f", "g"]]
    );
    let seps: Vec<_> = s.and_chains().map(|c| c.separator()).collect();
    use Connector::*;
    assert_eq!(seps, [Some(Or), Some(Seq), Some(Background), None]);
    let first = s.and_chains().next().unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(s.slice(first.script_range()), "a && b");
}

#[test]
fn and_chain_install_then_cleanup() {
    let s = parse(
        "apt-get update \
         && apt-get install -y --no-install-recommends curl \
         && rm -rf /var/lib/apt/lists/*",
    );
    let chain = s.and_chains().next().unwrap();
    let install = chain
        .position(|c| c.is("apt-get") && c.args_after_subcommand("install").is_some())
        .unwrap();
    let rm = chain
        .position(|c| {
            c.is("rm")
                && c.positionals()
                    .any(|w| w.as_str() == Some("/var/lib/apt/lists/*"))
        })
        .unwrap();
    assert!(install < rm);
    // Not in the same chain when `;` separates them.
    let s = parse("apt-get install -y x; rm -rf /var/lib/apt/lists/*");
    assert!(s.and_chains().all(|c| c.commands().len() == 1));
}

#[test]
fn nested_lists_and_chains() {
    let s = parse("a && (b; c) || d");
    let lists: Vec<_> = s.lists().iter().map(|l| s.slice(l.script_range)).collect();
    assert_eq!(lists, ["a && (b; c) || d", "b; c"]);
    let chains: Vec<_> = s.and_chains().map(|c| s.slice(c.script_range())).collect();
    assert_eq!(chains, ["a && (b; c)", "d", "b", "c"]);
    let outer = s.and_chains().next().unwrap();
    assert_eq!(outer.commands().len(), 3);
    assert_eq!(outer.pipelines().count(), 2);
}

// ----- pipelines -----

#[test]
fn pipelines_and_negation() {
    let s = parse("! curl -fsSL https://x | sh -s && ! grep -q x f");
    let pipelines = s.pipelines();
    assert_eq!(pipelines.len(), 2);
    assert!(pipelines[0].negated && pipelines[1].negated);
    assert!(pipelines[0].is_piped() && !pipelines[1].is_piped());
    let (from, to) = pipelines[0].piped_commands(&s).next().unwrap();
    assert!(from.is("curl") && to.is("sh"));
    assert!(from.is_piped_into_next() && !to.is_piped_into_next());
    assert_eq!(pipelines[0].commands(&s).len(), 2);
    assert_eq!(
        s.slice(pipelines[0].script_range),
        "curl -fsSL https://x | sh -s"
    );
    assert!(pipelines[0].command_at(5, &s).is_none());
}

#[test]
fn redirects_of_a_pipeline_belong_to_its_last_command() {
    let s = parse("echo a | grep b > out 2>&1");
    let grep = cmd(&s, "grep");
    assert_eq!(grep.redirects.len(), 2);
    assert_eq!(s.slice(grep.script_range), "grep b > out 2>&1");
    assert!(cmd(&s, "echo").redirects.is_empty());
}

#[test]
fn compound_elements_of_pipelines_run_in_subshells() {
    let s = parse("{ cd /x; make; } | tee log; cd /y");
    let cds: Vec<_> = s.commands().filter(|c| c.is("cd")).collect();
    assert_eq!(cds[0].scopes, [Scope::Pipeline, Scope::Group]);
    assert!(cds[0].in_subshell());
    assert!(!cds[1].in_subshell() && cds[1].is_top_level());
    let tee = cmd(&s, "tee");
    assert_eq!((tee.before, tee.pipeline_index), (Some(Connector::Pipe), 1));
}

#[test]
fn very_long_pipelines_are_split_but_complete() {
    let src = vec!["a x"; 3000].join(" | ");
    let start = Instant::now();
    let s = parse(&src);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(s.commands().len(), 3000);
    assert!(s.commands().all(|c| c.args.len() == 1));
    assert_eq!(s.errors().len(), 1);
    assert_eq!(s.errors()[0].kind, ShellErrorKind::PipelineTooLong);
    assert_eq!(s.text(), src);
    check_invariants(&s);
    // Up to the limit, nothing changes.
    let src = vec!["a"; PIPELINE_LIMIT].join(" | ");
    let s = parse(&src);
    assert!(!s.has_errors());
    assert_eq!(s.pipelines().len(), 1);
}

// ----- nesting -----

#[test]
fn subshells_groups_and_cd() {
    let s = parse("cd /src && (cd sub && make) && { cd /; ls; }");
    let scopes: Vec<_> = s
        .commands()
        .map(|c| (c.name_str().unwrap(), c.scopes.clone()))
        .collect();
    assert_eq!(
        scopes,
        [
            ("cd", vec![]),
            ("cd", vec![Scope::Subshell]),
            ("make", vec![Scope::Subshell]),
            ("cd", vec![Scope::Group]),
            ("ls", vec![Scope::Group]),
        ]
    );
    let standalone_cds: Vec<_> = s
        .commands()
        .filter(|c| c.is("cd") && !c.in_subshell())
        .map(|c| c.args[0].text.as_str())
        .collect();
    assert_eq!(standalone_cds, ["/src", "/"]);
    let CompoundKind::Subshell(inner) = &compound(&s, 1).kind else {
        panic!("not a subshell")
    };
    assert_eq!(inner.items.len(), 2);
    assert_eq!(compound(&s, 1).commands(&s).len(), 2);
}

/// The compound that is the first element of top-level item `i`.
fn compound(s: &ShellScript, i: usize) -> &Compound {
    match &s.body().items[i].pipeline.elements[0] {
        Statement::Compound(c) => c,
        Statement::Command(_) => panic!("item {i} is a command"),
    }
}

#[test]
fn command_substitutions_and_backticks() {
    let s = parse("VERSION=$(curl -s $(cat url)) echo `id -u` \"$(date)\" <(ls) > $(mktemp)");
    assert_eq!(
        names(&s),
        ["echo", "curl", "cat", "id", "date", "ls", "mktemp"]
    );
    assert_eq!(
        cmd(&s, "cat").scopes,
        [Scope::CommandSubstitution, Scope::CommandSubstitution]
    );
    assert_eq!(cmd(&s, "ls").scopes, [Scope::ProcessSubstitution]);
    assert!(cmd(&s, "id").in_subshell());
    assert_eq!(cmd(&s, "cat").subshell_depth(), 2);
    let kinds: Vec<_> = s.substitutions().iter().map(|x| x.kind).collect();
    use SubstitutionKind::*;
    assert_eq!(
        kinds,
        [Dollar, Dollar, Backtick, Dollar, ProcessInput, Dollar]
    );
    assert_eq!(s.slice(s.substitutions()[1].script_range), "$(cat url)");
    let echo = cmd(&s, "echo");
    assert_eq!(echo.assignments[0].name, "VERSION");
    assert_eq!(echo.assignments[0].value.value, None);
    assert_eq!(echo.redirects[0].target.as_ref().unwrap().text, "$(mktemp)");
    check_invariants(&s);
}

#[test]
fn if_for_while_case_function() {
    let s = parse(
        "if [ -f /a ]; then a; elif b; then c; else d; fi; \
         for i in 1 $(seq 3); do echo $i; done; \
         while read l; do w; done < file; \
         until u; do v; done; \
         case $x in a|b) ca;; *) cz;; esac; \
         f() { inside; }; \
         for ((i=0; i<$(n); i++)); do af; done; \
         (( x++ ))",
    );
    assert!(!s.has_errors(), "{:?}", s.errors());
    assert_eq!(
        names(&s),
        [
            "[", "a", "b", "c", "d", "seq", "echo", "read", "w", "u", "v", "ca", "cz", "inside",
            "n", "af"
        ]
    );
    let scopes = |name: &str| cmd(&s, name).scopes.clone();
    assert_eq!(scopes("["), [Scope::Condition]);
    assert_eq!(scopes("a"), [Scope::Branch]);
    assert_eq!(scopes("d"), [Scope::Branch]);
    assert_eq!(scopes("echo"), [Scope::Loop]);
    assert_eq!(scopes("read"), [Scope::Condition]);
    assert_eq!(scopes("ca"), [Scope::CaseArm]);
    assert_eq!(scopes("inside"), [Scope::Function, Scope::Group]);
    assert_eq!(scopes("af"), [Scope::Loop]);
    assert_eq!(scopes("n"), [Scope::CommandSubstitution]);
    let s2 = parse("(( x = $(y) ))");
    assert_eq!(cmd(&s2, "y").scopes, [Scope::CommandSubstitution]);
    assert_eq!(values(cmd(&s, "[")), [Some("-f"), Some("/a")]);

    let CompoundKind::If {
        branches,
        else_body,
    } = &compound(&s, 0).kind
    else {
        panic!()
    };
    assert_eq!(branches.len(), 2);
    assert!(else_body.is_some());
    let CompoundKind::For {
        variable,
        values,
        select,
        ..
    } = &compound(&s, 1).kind
    else {
        panic!()
    };
    assert_eq!(variable.as_ref().unwrap().text, "i");
    assert_eq!(values.as_ref().unwrap().len(), 2);
    assert!(!select);
    let w = compound(&s, 2);
    assert!(matches!(w.kind, CompoundKind::While { until: false, .. }));
    assert_eq!(w.redirects[0].op, RedirectOp::Read);
    assert!(matches!(
        compound(&s, 3).kind,
        CompoundKind::While { until: true, .. }
    ));
    let CompoundKind::Case { subject, arms } = &compound(&s, 4).kind else {
        panic!()
    };
    assert_eq!(subject.as_ref().unwrap().text, "$x");
    let patterns: Vec<_> = arms[0].patterns.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(patterns, ["a", "b"]);
    let CompoundKind::Function { name, .. } = &compound(&s, 5).kind else {
        panic!()
    };
    assert_eq!(name.as_ref().unwrap().text, "f");
    assert!(matches!(
        compound(&s, 6).kind,
        CompoundKind::ArithmeticFor { .. }
    ));
    assert!(matches!(compound(&s, 7).kind, CompoundKind::Arithmetic));
    check_invariants(&s);
}

#[test]
fn test_commands() {
    let s = parse("[[ $a == b* && -n \"$c\" ]] && [ \"$(id -u)\" -ne 0 ]");
    let tests: Vec<_> = s
        .commands()
        .filter(|c| c.name_str().is_some_and(|n| n.starts_with('[')))
        .collect();
    assert_eq!(tests.len(), 2);
    assert_eq!(args(tests[0]), ["$a", "==", "b*", "&&", "-n", "\"$c\""]);
    assert_eq!(args(tests[1]), ["\"$(id -u)\"", "-ne", "0"]);
    assert!(s.commands().any(|c| c.is("id")));
}

#[test]
fn declarations() {
    let s = parse("export A=1 B=\"x y\" C; local x; readonly R=$(id); unset y");
    assert_eq!(names(&s), ["export", "local", "readonly", "id", "unset"]);
    let export = cmd(&s, "export");
    assert_eq!(args(export), ["A=1", "B=\"x y\"", "C"]);
    assert_eq!(values(export), [Some("A=1"), Some("B=x y"), Some("C")]);
    assert_eq!(values(cmd(&s, "readonly")), [None]);
}

#[test]
fn deep_nesting_is_cut_without_overflow() {
    // Each level has a command, so the levels above the limit are kept.
    for (open, close) in [
        ("$(", ")"),
        ("a; ( ", " )"),
        ("a; { ", "; }"),
        ("if a; then ", "; fi"),
        ("\"$(", ")\""),
        ("a; f() { ", "; }"),
        ("for a in b; do a; ", "; done"),
        ("case a in b) a; ", ";; esac"),
        ("echo ${x:-$(", ")}"),
    ] {
        let src = format!("{}x{}", open.repeat(400), close.repeat(400));
        // A small stack proves the recursion is bounded (rayon and tokio threads have 2 MiB).
        let s = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse(&src))
            .unwrap()
            .join()
            .unwrap();
        assert!(
            s.errors().iter().any(|e| e.kind == ShellErrorKind::TooDeep),
            "{open}"
        );
        assert!(s.commands().len() > 0);
        check_invariants(&s);
    }
    // Unbalanced openers only (one error region, no recursion).
    for open in ["(", "$(", "`", "{ ", "\"", "${"] {
        check_invariants(&parse(&open.repeat(5000)));
    }
    // Within the limit, everything is kept.
    let src = format!("{}x{}", "$(".repeat(40), ")".repeat(40));
    let s = parse(&src);
    assert!(!s.has_errors());
    assert_eq!(s.commands().last().unwrap().name_str(), Some("x"));
    assert_eq!(s.commands().last().unwrap().scopes.len(), 40);
}

// ----- assignments and redirects -----

#[test]
fn assignments() {
    let s =
        parse("DEBIAN_FRONTEND=noninteractive EMPTY= A+=x apt-get install -y x; LONE=1; arr=(a b)");
    let apt = cmd(&s, "apt-get");
    let a: Vec<_> = apt
        .assignments
        .iter()
        .map(|a| (a.name.as_str(), a.append, a.value.as_str()))
        .collect();
    assert_eq!(
        a,
        [
            ("DEBIAN_FRONTEND", false, Some("noninteractive")),
            ("EMPTY", false, Some("")),
            ("A", true, Some("x"))
        ]
    );
    assert_eq!(
        s.slice(apt.assignments[0].script_range),
        "DEBIAN_FRONTEND=noninteractive"
    );
    assert_eq!(apt.assignments[1].value.script_range, TextRange::empty(37));
    let lone: Vec<_> = s.commands().filter(|c| c.name.is_none()).collect();
    assert_eq!(lone.len(), 2);
    assert_eq!(lone[0].assignments[0].name, "LONE");
    assert_eq!(lone[1].assignments[0].value.text, "(a b)");
    assert_eq!(lone[1].assignments[0].value.value, None);
}

#[test]
fn redirects() {
    let s = parse("cmd 2>/dev/null >>log <in 3>&- &>all >| clobber > out extra");
    let c = cmd(&s, "cmd");
    let r: Vec<_> = c
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, r.target.as_ref().map(|t| t.text.as_str())))
        .collect();
    use RedirectOp::*;
    assert_eq!(
        r,
        [
            (Some(2), Write, Some("/dev/null")),
            (None, Append, Some("log")),
            (None, Read, Some("in")),
            (Some(3), CloseWrite, None),
            (None, WriteAll, Some("all")),
            (None, Clobber, Some("clobber")),
            (None, Write, Some("out")),
        ]
    );
    assert!(c.redirects[0].is_dev_null());
    // `> out extra`: `extra` is an argument.
    assert_eq!(args(c), ["extra"]);
    assert_eq!(c.script_range, TextRange::from_usize(0, s.text().len()));
    assert_eq!(Write.as_str(), ">");
    assert!(!s.has_errors());
    let s = parse("grep -q x <<< \"$VAR\" && cat 0<&3");
    let grep = cmd(&s, "grep");
    assert_eq!(grep.redirects[0].op, HereString);
    assert_eq!(grep.redirects[0].target.as_ref().unwrap().text, "\"$VAR\"");
    assert_eq!(args(grep), ["-q", "x"]);
    // tree-sitter reads `0<&3` as an argument and a redirection: repaired.
    let cat = cmd(&s, "cat");
    assert_eq!(
        (cat.redirects[0].fd, cat.redirects[0].op),
        (Some(0), DupRead)
    );
    assert!(cat.args.is_empty());
    assert_eq!(s.slice(cat.redirects[0].script_range), "0<&3");
    let s = parse("echo 0 <&3 1");
    assert_eq!(args(cmd(&s, "echo")), ["0", "1"]);
    let lone = parse("> /tmp/x");
    assert_eq!(lone.commands().len(), 1);
    assert_eq!(lone.commands().next().unwrap().redirects.len(), 1);
}

#[test]
fn heredocs_inside_scripts() {
    let s = parse("cat <<EOF > /etc/x && chmod 600 /etc/x\nuser $(id -un) \\$HOME\nEOF\necho done");
    assert_eq!(names(&s), ["cat", "id", "chmod", "echo"]);
    let cat = cmd(&s, "cat");
    assert_eq!(cat.redirects.len(), 2);
    let h = &cat.redirects[0];
    assert_eq!(h.op, RedirectOp::Heredoc);
    assert_eq!(h.target.as_ref().unwrap().as_str(), Some("EOF"));
    let body = h.heredoc_body.as_ref().unwrap();
    assert!(body.text.starts_with("user $(id -un)"));
    assert_eq!(body.value, None);
    assert_eq!(s.slice(h.script_range), "<<EOF");
    assert_eq!(cat.after, Some(Connector::And));
    assert_eq!(cmd(&s, "chmod").before, Some(Connector::And));
    assert_eq!(s.and_chains().next().unwrap().commands().len(), 3);

    let s = parse("cat <<-'EOF' | sh\n\t$(not run) \\$x\n\tEOF");
    assert_eq!(names(&s), ["cat", "sh"]);
    let h = &cmd(&s, "cat").redirects[0];
    assert_eq!(h.op, RedirectOp::HeredocStrip);
    assert_eq!(h.target.as_ref().unwrap().text, "'EOF'");
    assert_eq!(h.target.as_ref().unwrap().as_str(), Some("EOF"));
    // tree-sitter starts a `<<-` body after the first line's tabs.
    assert_eq!(
        h.heredoc_body.as_ref().unwrap().as_str(),
        Some("$(not run) \\$x\n\t")
    );
    assert_eq!(cmd(&s, "sh").pipeline_index, 1);

    let s = parse("cat <<EOF\nplain \\$x\nEOF");
    let body = cmd(&s, "cat").redirects[0].heredoc_body.clone().unwrap();
    assert_eq!(body.as_str(), Some("plain $x\n"));

    // A substitution inside an expansion of the body runs too.
    let s = parse("cat <<EOF\n${X:-$(default)}\nEOF");
    assert_eq!(names(&s), ["cat", "default"]);
    assert_eq!(
        cmd(&s, "cat").redirects[0]
            .heredoc_body
            .as_ref()
            .unwrap()
            .value,
        None
    );
}

// ----- flags and subcommands -----

#[test]
fn flags() {
    let s = parse("apt-get -qy install --no-install-recommends -o Dpkg::Options::=--force-confnew --target-release=bookworm x -- -z");
    let c = cmd(&s, "apt-get");
    assert!(c.has_flag("-y"));
    assert!(c.has_flag("-q"));
    assert_eq!(c.flag("-y").unwrap().text, "-qy");
    assert_eq!(c.flag("-y").unwrap().script_range, TextRange::new(8, 11));
    assert!(c.has_flag("--no-install-recommends"));
    assert!(c.has_flag("--target-release"));
    assert_eq!(c.flag_value("--target-release"), Some("bookworm"));
    assert_eq!(c.flag_value("-o"), Some("Dpkg::Options::=--force-confnew"));
    assert!(!c.has_flag("--no-install"));
    assert!(
        !c.has_flag("-n"),
        "letters of long options are not short flags"
    );
    assert!(!c.has_flag("-z"), "after --");
    assert!(!c.has_flag("-f"), "-f only appears inside a value");
    assert_eq!(c.args_after_subcommand("install").unwrap().len(), 7);
    assert!(c.args_after_subcommand("remove").is_none());
    let ops: Vec<_> = c.positionals().map(|w| w.text.as_str()).collect();
    assert_eq!(
        ops,
        ["install", "Dpkg::Options::=--force-confnew", "x", "-z"]
    );

    let s = parse("tar -xzf a.tgz -C /opt && pip install --no-cache-dir -r req.txt && curl -fsSLo out --retry=3 u && ls -o=x");
    let tar = cmd(&s, "tar");
    assert!(tar.has_flag("-x") && tar.has_flag("-z") && tar.has_flag("-f"));
    assert_eq!(tar.flag_value("-f"), Some("a.tgz"));
    assert_eq!(tar.flag_value("-C"), Some("/opt"));
    assert_eq!(
        tar.flag_value("-x"),
        Some("zf"),
        "getopt reading: the rest of the cluster"
    );
    let pip = cmd(&s, "pip");
    assert_eq!(
        pip.args_after_subcommand("install").unwrap()[0].text,
        "--no-cache-dir"
    );
    assert_eq!(pip.flag_value("-r"), Some("req.txt"));
    let curl = cmd(&s, "curl");
    assert_eq!(curl.flag_value("-o"), Some("out"));
    assert_eq!(curl.flag_value("--retry"), Some("3"));
    assert!(curl.has_flag("-L"));
    let ls = cmd(&s, "ls");
    assert!(ls.has_flag("-o") && !ls.has_flag("-x"));
    assert_eq!(ls.flag_value("-o"), Some("x"));

    // Dynamic words are never flags.
    let s = parse("rm $FLAGS -r \"-f\" x");
    let rm = cmd(&s, "rm");
    assert!(rm.has_flag("-f") && rm.has_flag("-r"));
    assert_eq!(
        rm.positionals()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>(),
        ["$FLAGS", "x"]
    );
    // Multi-letter single-dash options match exactly.
    let s = parse("find . -name x -rf");
    let find = cmd(&s, "find");
    assert!(find.has_flag("-name") && find.has_flag("-rf") && !find.has_flag("-nam"));
}

// ----- wrappers -----

fn unwrapped(src: &str) -> (Option<String>, Vec<String>) {
    let s = parse(src);
    let c = s.commands().next().unwrap();
    let inv = c.unwrapped();
    (
        inv.program().map(str::to_string),
        inv.args.iter().map(|w| w.text.clone()).collect(),
    )
}

#[test]
fn unwrapping_wrappers() {
    let p = |src: &str| unwrapped(src).0;
    assert_eq!(
        unwrapped("sudo -E apt-get install x"),
        (Some("apt-get".into()), vec!["install".into(), "x".into()])
    );
    assert_eq!(p("sudo -u www-data -H pip install x"), Some("pip".into()));
    assert_eq!(p("sudo -uwww pip"), Some("pip".into()));
    assert_eq!(
        p("sudo --user=app --preserve-env=PATH FOO=1 make"),
        Some("make".into())
    );
    assert_eq!(p("sudo --user app make"), Some("make".into()));
    assert_eq!(p("/usr/bin/sudo -- rm -rf /"), Some("rm".into()));
    assert_eq!(p("env"), Some("env".into()));
    assert_eq!(p("env -i PATH=/bin A=\"$B\" sh -c x"), Some("sh".into()));
    assert_eq!(p("env -u FOO --chdir=/x - go build"), Some("go".into()));
    assert_eq!(p("exec -a name gosu app server"), Some("gosu".into()));
    assert_eq!(p("nohup ./server &"), Some("server".into()));
    assert_eq!(p("time -p make -j4"), Some("make".into()));
    assert_eq!(p("command -p git clone"), Some("git".into()));
    assert_eq!(p("builtin cd /x"), Some("cd".into()));
    assert_eq!(p("nice -n 10 make"), Some("make".into()));
    assert_eq!(p("nice -5 make"), Some("make".into()));
    assert_eq!(p("timeout -s KILL 10s curl x"), Some("curl".into()));
    assert_eq!(
        p("timeout --preserve-status 10 curl x"),
        Some("curl".into())
    );
    // Nested wrappers.
    assert_eq!(
        unwrapped("sudo -E env DEBIAN_FRONTEND=noninteractive nice apt-get -y upgrade"),
        (Some("apt-get".into()), vec!["-y".into(), "upgrade".into()])
    );
    // Conservative: not looked through.
    assert_eq!(p("sudo"), Some("sudo".into()));
    assert_eq!(p("sudo -l"), Some("sudo".into()));
    assert_eq!(p("sudo --bogus apt-get"), Some("sudo".into()));
    assert_eq!(p("sudo -Z apt-get"), Some("sudo".into()));
    assert_eq!(p("sudo $OPTS apt-get"), Some("sudo".into()));
    assert_eq!(p("sudo -u"), Some("sudo".into()));
    assert_eq!(p("command -v curl"), Some("command".into()));
    assert_eq!(p("env -S 'a b' c"), Some("env".into()));
    assert_eq!(p("timeout 10"), Some("timeout".into()));
    assert_eq!(p("exec > log"), Some("exec".into()));
    assert_eq!(p("xargs rm"), Some("xargs".into()));
    assert_eq!(unwrapped("sudo $CMD x").0, Some("sudo".into()));
}

#[test]
fn unwrapped_invocation_helpers() {
    let s = parse("sudo -E env A=1 apt-get install -qy curl");
    let c = s.commands().next().unwrap();
    let plain = c.invocation();
    assert!(!plain.is_wrapped());
    assert!(plain.wrapper_words().is_empty());
    assert!(plain.is("sudo"));
    let inv = c.unwrapped();
    assert!(inv.is_wrapped());
    let skipped: Vec<_> = inv
        .wrapper_words()
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(skipped, ["-E", "env", "A=1"]);
    assert!(inv.has_flag("-y"));
    assert!(!c.has_flag("-y") || c.has_flag("-E"));
    assert_eq!(inv.args_after_subcommand("install").unwrap().len(), 2);
    assert_eq!(inv.name.unwrap().script_range, TextRange::new(16, 23));
    assert_eq!(
        inv.arg_values().collect::<Vec<_>>(),
        [Some("install"), Some("-qy"), Some("curl")]
    );
    // One step at a time.
    let once = c.invocation().unwrap_once().unwrap();
    assert!(once.is("env"));
}

// ----- half-typed and broken input -----

#[test]
fn unterminated_quote() {
    let s = parse("apt-get install -y \"foo");
    assert!(s.has_errors());
    let c = cmd(&s, "apt-get");
    assert!(c.has_flag("-y"));
    assert_eq!(c.args.last().unwrap().text, "\"foo");
    assert_eq!(s.errors()[0].kind, ShellErrorKind::Missing);
    check_invariants(&s);
}

#[test]
fn trailing_operators() {
    for (src, expect) in [
        ("a && ", "a"),
        ("a || ", "a"),
        ("a | ", "a"),
        ("a ; ", "a"),
        ("a &&", "a"),
    ] {
        let s = parse(src);
        assert_eq!(names(&s), [expect], "{src}");
        check_invariants(&s);
    }
    let s = parse("a && ");
    assert!(s.has_errors());
    assert_eq!(s.errors()[0].message, "missing command");
    assert_eq!(s.commands().next().unwrap().after, Some(Connector::And));
}

#[test]
fn half_typed_input_keeps_recoverable_commands() {
    let s = parse("apt-get update && apt-get install -y foo && )");
    assert!(s.has_errors());
    assert_eq!(names(&s), ["apt-get", "apt-get"]);

    let s = parse("if true; then echo hi");
    assert!(s.has_errors());
    assert_eq!(names(&s), ["true", "echo"]);
    assert_eq!(args(cmd(&s, "echo")), ["hi"]);
    // Loose words in an error region become a recovered command.
    let s = parse("if true; then echo");
    assert_eq!(names(&s), ["true", "echo"]);
    assert!(cmd(&s, "echo").recovered);

    let s = parse("a && && b");
    assert_eq!(names(&s), ["a", "b"]);
    assert_eq!(cmd(&s, "b").before, Some(Connector::And));

    for src in [
        "echo $(",
        "$(",
        "${",
        "echo ${x",
        "`",
        "\"",
        "'",
        "cat <<EOF",
        "for",
        "case x in",
        "f() {",
        "((",
        "[[ -f",
        "apt-get install \\",
        "a |& |",
        ";;",
        "&& a",
        "| a",
        "))",
        "}",
        "fi",
        "done",
        "esac",
        "$((1+",
        "<(",
        "echo 'a",
        "x=(",
        "a=$(b",
        "[ ",
        "!",
        "! !",
        "a > ",
        "2>&",
        "<<<",
        "<<",
        "\\",
    ] {
        let s = parse(src);
        check_invariants(&s);
    }
}

#[test]
fn unicode_everywhere() {
    let s = parse("echo 中文 😀 'é' \"ü $x\" && 命令 --标志=值 | grep 🙂");
    assert!(!s.has_errors());
    assert_eq!(names(&s), ["echo", "命令", "grep"]);
    assert_eq!(
        values(cmd(&s, "echo"))[..3],
        [Some("中文"), Some("😀"), Some("é")]
    );
    assert_eq!(cmd(&s, "命令").flag_value("--标志"), Some("值"));
    check_invariants(&s);
    // Broken input with multi-byte characters right at the error.
    for src in [
        "é\"",
        "😀$(",
        "\"中",
        "a && 😀|",
        "'😀",
        "${é",
        "$'\\é",
        "中 <<",
        "\u{0}\u{1}\u{fffd}",
    ] {
        check_invariants(&parse(src));
    }
}

// ----- positions -----

#[test]
fn brace_followed_by_high_code_points_does_not_crash() {
    // tree-sitter-bash passes the code point after `{` to C's `isdigit` (see `guard`).
    for c in [
        '\u{EB9A9}',
        '\u{42032}',
        '\u{10FFFF}',
        '\u{1F600}',
        'é',
        '中',
    ] {
        for src in [
            format!("{{{c}"),
            format!("{{{c}中"),
            format!("echo a{{{c} b"),
            format!("echo {{12{c}"),
            format!("echo {{1..2{c}"),
            format!("echo {{1..{c}}}"),
        ] {
            let s = parse(&src);
            check_invariants(&s);
            assert_eq!(s.text(), src);
            // Words keep the original characters.
            assert!(s
                .commands()
                .all(|cmd| cmd.args.iter().all(|w| w.text == s.slice(w.script_range))));
        }
    }
    let s = parse("echo {\u{EB9A9}x");
    assert_eq!(cmd(&s, "echo").args[0].text, "{\u{EB9A9}x");
}

#[test]
fn ranges_map_through_two_segments() {
    // file:   "RUN apt-get update \\\n    && apt-get install -y curl\n"
    // script: "apt-get update     && apt-get install -y curl" = file[4..19] + file[21..51]
    let file = "RUN apt-get update \\\n    && apt-get install -y curl\n";
    let mut map = SourceMap::new();
    map.push(4, 15);
    map.push(21, 30);
    let script = format!("{}{}", &file[4..19], &file[21..51]);
    assert_eq!(script, "apt-get update     && apt-get install -y curl");
    let s = ShellScript::parse(&script, map);
    let install = s.commands().nth(1).unwrap();
    assert_eq!(&file[install.range.as_usize()], "apt-get install -y curl");
    let y = install.flag("-y").unwrap();
    assert_eq!(&file[y.range.as_usize()], "-y");
    assert_eq!(y.range, TextRange::new(44, 46));
    assert_eq!(y.script_range, TextRange::new(38, 40));
    let update = s.commands().next().unwrap();
    assert_eq!(&file[update.range.as_usize()], "apt-get update");
    // A range spanning the join covers both physical lines.
    let chain = s.and_chains().next().unwrap();
    assert_eq!(chain.range(), TextRange::new(4, 51));
    assert_eq!(s.command_at(46).unwrap().id, install.id);
    assert_eq!(s.command_at(10).unwrap().id, update.id);
    assert!(s.command_at(60).is_none());
}

#[test]
fn ranges_from_a_parsed_dockerfile() {
    let file = "FROM debian\nRUN apt-get update \\\n  # a comment\n  && sudo apt-get install -qy curl \\\n  && rm -rf /var/lib/apt/lists/*\n";
    let df = crate::parse(file);
    let run = &df.instructions[1];
    let map = run.original_map.slice(run.args_range);
    let s = ShellScript::parse(run.args_text(), map);
    assert!(!s.has_errors());
    assert_eq!(names(&s), ["apt-get", "sudo", "rm"]);
    let apt = s.commands().nth(1).unwrap().unwrapped();
    let y = apt.flag("-y").unwrap();
    assert_eq!(&file[y.range.as_usize()], "-qy");
    let rm = cmd(&s, "rm");
    assert_eq!(&file[rm.range.as_usize()], "rm -rf /var/lib/apt/lists/*");
    assert_eq!(s.text(), run.args_text());
    assert_eq!(s.source_map(), &run.original_map.slice(run.args_range));
}

#[test]
fn empty_and_blank_scripts() {
    for src in ["", "   ", "\n\n", "# only a comment", ";", "&"] {
        let s = parse(src);
        assert_eq!(s.commands().len(), 0, "{src:?}");
        check_invariants(&s);
    }
    assert!(!parse("").has_errors());
    assert!(parse("").body().is_empty());
}

#[test]
fn comments_and_newlines() {
    let s = parse("a # c && b\nc\n\n  d");
    assert_eq!(names(&s), ["a", "c", "d"]);
    assert_eq!(cmd(&s, "c").before, Some(Connector::Seq));
}

#[test]
fn parser_is_reused_and_results_are_stable() {
    let a = parse("a && b | c");
    for _ in 0..3 {
        assert_eq!(parse("a && b | c"), a);
    }
    // Another thread has its own parser.
    let b = std::thread::spawn(|| parse("a && b | c")).join().unwrap();
    assert_eq!(a, b);
}

#[test]
fn large_script_is_fast() {
    let src = vec!["apt-get install -y --no-install-recommends pkg \"quoted $VAR\" $(echo sub) > /dev/null 2>&1"; 11000].join(" && ");
    assert!(src.len() > 1_000_000);
    let start = Instant::now();
    let s = parse(&src);
    // Debug builds are slow; release takes a fraction of a second.
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(s.commands().len(), 22000);
    assert!(!s.has_errors());
}

#[test]
fn giving_up_leaves_an_empty_model_and_a_usable_parser() {
    let src = "apt-get install -y x && ".repeat(2000) + "true";
    let s = ShellScript::parse_with_budget(
        &src,
        SourceMap::contiguous(7, src.len() as u32),
        Duration::ZERO,
    );
    assert_eq!(s.commands().len(), 0);
    assert_eq!(s.errors().len(), 1);
    assert_eq!(s.errors()[0].kind, ShellErrorKind::TooComplex);
    assert_eq!(s.errors()[0].range, TextRange::new(7, 7 + src.len() as u32));
    assert!(s.body().is_empty());
    assert_eq!(s.text(), src);
    check_invariants(&s);
    // The thread's parser was reset: the next parse starts afresh.
    let s = parse("a && b");
    assert_eq!(names(&s), ["a", "b"]);
    assert!(!s.has_errors());
}

#[test]
fn serializes() {
    let s = parse("a && b");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["commands"][1]["before"], "and");
    assert_eq!(json["body"]["items"][0]["separator"], "and");
}

fn shellish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_string()),
        Just("apt-get".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\\\n".to_string()),
        Just("-y".to_string()),
        prop::sample::select(vec![
            "&&", "||", "|", "|&", ";", ";;", "&", "(", ")", "{", "}", "$(", "`", "\"", "'", "$'",
            "${", "}", "$((", "))", "<<EOF\n", "\nEOF\n", "<<-'X'\n", "<<<", ">", "2>&1", "<(",
            "!", "=", "A=", "[[", "]]", "[", "]", "if", "then", "fi", "for", "in", "do", "done",
            "case", "esac", "while", "#", "\\", "$", "*", "~", "é", "😀", "中", "\t", "\r", "\0",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_shellish_input(src in shellish()) {
        let s = parse(&src);
        check_invariants(&s);
        for c in s.commands() {
            let _ = c.unwrapped().has_flag("-y");
            let _ = c.flag_value("-o");
            let _ = c.args_after_subcommand("install");
        }
        let _ = s.and_chains().count();
        let _ = s.pipelines();
    }

    #[test]
    fn never_panics_on_random_strings(src in any::<String>()) {
        check_invariants(&parse(&src));
    }

    #[test]
    fn maps_through_any_split(src in shellish(), cut in 0usize..200, gap in 1u32..50) {
        // The script made of two file slices with a gap between them.
        let cut = (0..=cut.min(src.len())).rev().find(|&i| src.is_char_boundary(i)).unwrap_or(0);
        let mut map = SourceMap::new();
        map.push(10, cut as u32);
        map.push(10 + cut as u32 + gap, (src.len() - cut) as u32);
        let s = ShellScript::parse(&src, map);
        check_invariants(&s);
        for c in s.commands() {
            prop_assert!(c.range.start >= 10 || c.script_range.is_empty());
        }
    }
}

/// Shapes that are slow, deep or crashy for tree-sitter-bash or for a naive conversion.
#[test]
fn adversarial_shapes_are_fast_and_bounded() {
    let cases: Vec<(&str, String)> = vec![
        (
            "heredoc chain",
            format!(
                "{}\n{}",
                "cat <<A && ".repeat(3000) + "true",
                "x\nA\n".repeat(3000)
            ),
        ),
        (
            "expansions",
            format!("echo {}x{}", "${a:-".repeat(3000), "}".repeat(3000)),
        ),
        (
            "test parens",
            format!("[[ {}a{} ]]", "( ".repeat(3000), " )".repeat(3000)),
        ),
        ("test and", format!("[[ {}a ]]", "a && ".repeat(5000))),
        (
            "arith",
            format!("(( {}1{} ))", "(".repeat(3000), ")".repeat(3000)),
        ),
        (
            "arith plus",
            format!("echo $(( {}1 ))", "1 + ".repeat(20000)),
        ),
        (
            "elifs",
            format!("if a; then b; {}fi", "elif c; then d; ".repeat(5000)),
        ),
        (
            "case arms",
            format!("case x in {}esac", "a) b;; ".repeat(5000)),
        ),
        ("concat", format!("echo {}", "a\"b\"$c".repeat(20000))),
        (
            "assign nest",
            format!("{}x{}", "a=$(".repeat(300), ")".repeat(300)),
        ),
        ("brace words", "{ ".repeat(20000)),
        ("negations", "! ".repeat(20000) + "a"),
        ("redirs", "a ".to_string() + &"> x ".repeat(20000)),
        ("fds", "a ".to_string() + &"2>&1 ".repeat(20000)),
        ("semis", ";".repeat(50000)),
        ("amps", "& ".repeat(50000)),
        ("heredoc starts", "cat <<EOF ".repeat(5000)),
        ("pipes", "a | ".repeat(20000)),
        ("group pipes", "{ a; } | ".repeat(5000)),
    ];
    for (name, src) in cases {
        let t = Instant::now();
        let s = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let s = parse(&src);
                check_invariants(&s);
                let _ = s.and_chains().count();
                s
            })
            .unwrap()
            .join()
            .unwrap();
        println!(
            "{name}: {} cmds, {} errs, {:?}",
            s.commands().len(),
            s.errors().len(),
            t.elapsed()
        );
    }
}

#[test]
fn comments_in_backticks_do_not_hide_the_commands_after_them() {
    // A continued RUN line annotated between its commands (joined to one line).
    let s = parse(
        "echo a   `# pin to 553: newer needs python 3.10`   && apt-get install -y curl   && curl x | tar x",
    );
    assert!(!s.has_errors(), "{:?}", s.errors());
    assert_eq!(names(&s), ["echo", "apt-get", "curl", "tar"]);
    assert_eq!(args(cmd(&s, "echo")), ["a"]);
}
