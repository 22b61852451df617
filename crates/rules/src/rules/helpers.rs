//! Small questions several rules ask.

use plimsoll_parser::shell::ShellScript;
use plimsoll_parser::Instruction;

/// Whether the instruction has a `--mount=type=cache` whose target is `dir` or contains it.
pub fn has_cache_mount(instruction: &Instruction, dir: &str) -> bool {
    instruction
        .flags
        .iter()
        .filter(|flag| flag.name == "mount")
        .filter_map(|flag| flag.value.as_deref())
        .any(|mount| {
            let mut is_cache = false;
            let mut target = None;
            for field in mount.split(',') {
                match field.split_once('=') {
                    Some(("type", "cache")) => is_cache = true,
                    Some(("target" | "dst" | "destination", value)) => target = Some(value),
                    _ => {}
                }
            }
            is_cache
                && target.is_some_and(|t| {
                    let t = t.trim_end_matches('/');
                    dir == t || dir.starts_with(&format!("{t}/"))
                })
        })
}

/// Whether the script runs `rm` on `dir`, its content (`dir/*`) or a parent directory.
pub fn removes_path(script: &ShellScript, dir: &str) -> bool {
    script.commands().any(|command| {
        let rm = command.unwrapped();
        rm.is("rm")
            && rm.args.iter().filter_map(|w| w.as_str()).any(|arg| {
                let arg = arg.trim_end_matches("/*").trim_end_matches('/');
                !arg.is_empty() && (dir == arg || dir.starts_with(&format!("{arg}/")))
            })
    })
}
