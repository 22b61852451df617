//! The users and groups RUN scripts create (`useradd`, `adduser`, `groupadd`, `addgroup`)
//! and the numeric IDs they give them.

use crate::model::{RunScript, SemanticModel};
use crate::rules::helpers::shells::is_option_cluster;
use plimsoll_parser::shell::{Invocation, Word};

/// A user or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccountKind {
    /// A user (`useradd`, `adduser`).
    User,
    /// A group (`groupadd`, `addgroup`).
    Group,
}

/// How a creating command is written: its options that take a value, and those that give
/// the ID.
struct Creator {
    program: &'static str,
    kind: AccountKind,
    /// Every option whose value is the next word (the ID options included).
    value_options: &'static [&'static str],
    /// The options giving the numeric ID.
    id_options: &'static [&'static str],
    /// Whether the name is the last operand (`useradd [options] NAME`) rather than the first
    /// (`adduser [options] USER [GROUP]`, where a second operand names a group to join).
    name_is_last: bool,
}

const CREATORS: &[Creator] = &[
    Creator {
        program: "useradd",
        kind: AccountKind::User,
        value_options: &[
            "-b",
            "--base-dir",
            "-c",
            "--comment",
            "-d",
            "--home-dir",
            "-e",
            "--expiredate",
            "-f",
            "--inactive",
            "-g",
            "--gid",
            "-G",
            "--groups",
            "-k",
            "--skel",
            "-K",
            "--key",
            "-p",
            "--password",
            "-R",
            "--root",
            "-P",
            "--prefix",
            "-s",
            "--shell",
            "-u",
            "--uid",
            "-Z",
            "--selinux-user",
            "--selinux-range",
        ],
        id_options: &["-u", "--uid"],
        name_is_last: true,
    },
    // Debian's adduser and BusyBox's (where `-g` is the GECOS field and `-u` the UID).
    Creator {
        program: "adduser",
        kind: AccountKind::User,
        value_options: &[
            "-h",
            "--home",
            "-g",
            "--gecos",
            "--comment",
            "-s",
            "--shell",
            "-G",
            "--ingroup",
            "-k",
            "-u",
            "--uid",
            "--gid",
            "--conf",
            "--firstuid",
            "--lastuid",
            "--firstgid",
            "--lastgid",
        ],
        id_options: &["-u", "--uid"],
        name_is_last: false,
    },
    Creator {
        program: "groupadd",
        kind: AccountKind::Group,
        value_options: &[
            "-g",
            "--gid",
            "-K",
            "--key",
            "-p",
            "--password",
            "-R",
            "--root",
            "-P",
            "--prefix",
            "-U",
            "--users",
        ],
        id_options: &["-g", "--gid"],
        name_is_last: true,
    },
    Creator {
        program: "addgroup",
        kind: AccountKind::Group,
        value_options: &["-g", "--gid", "--conf"],
        id_options: &["-g", "--gid"],
        name_is_last: false,
    },
];

/// The numeric ID a script gives an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CreatedId {
    /// The ID.
    pub(crate) id: u64,
    /// Whether it is written with a variable (`-u ${APP_UID}`), which a build argument may
    /// change.
    pub(crate) from_variable: bool,
}

/// Programs that change an account's ID after it was created.
const MODIFIERS: &[&str] = &["usermod", "groupmod"];

/// The numeric ID the scripts `runs` give the user or group `name`: every command creating
/// it gives the same ID with `-u`/`--uid` (users) or `-g`/`--gid` (groups), written as a
/// number or as a variable the Dockerfile gives a number. `None` when no command creates it
/// with an ID, when two disagree, or when a script runs `usermod` or `groupmod`.
pub(crate) fn created_id<'a>(
    model: &SemanticModel,
    runs: impl IntoIterator<Item = &'a RunScript>,
    kind: AccountKind,
    name: &str,
) -> Option<CreatedId> {
    let mut found: Option<CreatedId> = None;
    for run in runs {
        for command in run.script.commands() {
            let invocation = command.unwrapped();
            let Some(program) = invocation.program() else {
                continue;
            };
            if MODIFIERS.contains(&program) {
                return None;
            }
            let Some(creator) = CREATORS
                .iter()
                .find(|c| c.program == program && c.kind == kind)
            else {
                continue;
            };
            let Some((created, id)) = read_creation(model, run, &invocation, creator) else {
                continue;
            };
            if created != name {
                continue;
            }
            match (found, id) {
                (_, None) => return None,
                (Some(earlier), Some(id)) if earlier.id != id.id => return None,
                (Some(earlier), Some(id)) => {
                    found = Some(CreatedId {
                        id: id.id,
                        from_variable: earlier.from_variable || id.from_variable,
                    })
                }
                (None, Some(id)) => found = Some(id),
            }
        }
    }
    found
}

/// The name a creating command gives (with variables expanded) and the ID it sets, if any;
/// `None` when its words cannot be read (a dynamic option, a name the Dockerfile does not
/// give).
fn read_creation(
    model: &SemanticModel,
    run: &RunScript,
    invocation: &Invocation<'_>,
    creator: &Creator,
) -> Option<(String, Option<CreatedId>)> {
    let mut operands: Vec<&Word> = Vec::new();
    let mut id_word: Option<String> = None;
    let mut words = invocation.args.iter();
    while let Some(word) = words.next() {
        let Some(text) = word.as_str() else {
            if word.text.starts_with('-') {
                return None;
            }
            operands.push(word);
            continue;
        };
        if text == "--" {
            operands.extend(words.by_ref());
            break;
        }
        if !text.starts_with('-') || text == "-" {
            operands.push(word);
            continue;
        }
        // `--uid=1000`
        if let Some((option, value)) = text.split_once('=') {
            if creator.id_options.contains(&option) {
                id_word = Some(value.to_string());
            }
            continue;
        }
        let takes_value = |option: &str| creator.value_options.contains(&option);
        // A cluster whose last letter takes a value (`-mu 1000`), or an option alone.
        let last = if is_option_cluster(text) && !text.starts_with("--") {
            format!("-{}", &text[text.len() - 1..])
        } else {
            text.to_string()
        };
        if takes_value(&last) {
            let value = words.next()?;
            if creator.id_options.contains(&last.as_str()) {
                id_word = Some(value.as_str().unwrap_or(&value.text).to_string());
            }
            continue;
        }
        // A short option with its value glued on: `-u1000`.
        let glued = creator
            .id_options
            .iter()
            .filter(|o| o.len() == 2)
            .find_map(|o| text.strip_prefix(o))
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit() || c == '$'));
        if let Some(value) = glued {
            id_word = Some(value.to_string());
        }
    }
    let name_word = if creator.name_is_last {
        operands.last()?
    } else {
        // `addgroup USER GROUP` adds a user to a group rather than creating one.
        if creator.kind == AccountKind::Group && operands.len() != 1 {
            return None;
        }
        operands.first()?
    };
    let name = shell_word_value(model, run, name_word)?;
    let id = match id_word {
        Some(written) => Some(CreatedId {
            id: expand_shell_text(model, run, &written)?
                .trim()
                .parse::<u64>()
                .ok()?,
            from_variable: written.contains('$'),
        }),
        None => None,
    };
    Some((name, id))
}

/// A shell word's value: its static value, or its text with the Dockerfile's ARG and ENV
/// values in effect at the RUN.
fn shell_word_value(model: &SemanticModel, run: &RunScript, word: &Word) -> Option<String> {
    match word.as_str() {
        Some(value) => Some(value.to_string()),
        None => expand_shell_text(model, run, &word.text),
    }
}

/// `text` (a shell word as written) with its quotes removed and the Dockerfile's ARG and
/// ENV values in effect at the RUN expanded.
fn expand_shell_text(model: &SemanticModel, run: &RunScript, text: &str) -> Option<String> {
    let unquoted = text.trim_matches(['"', '\'']);
    if unquoted.contains(['"', '\'', '`']) || unquoted.contains("$(") {
        return None;
    }
    model.expand_at(run.instruction, unquoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_of(text: &str, kind: AccountKind, name: &str) -> Option<u64> {
        let model = SemanticModel::new(plimsoll_parser::parse(text));
        created_id(&model, &model.runs, kind, name).map(|created| created.id)
    }

    #[test]
    fn reads_the_ids_given_at_creation() {
        let text = "FROM debian:12\nARG APP_UID=1001\n\
                    RUN groupadd -g 2000 app && useradd -m -u \"${APP_UID}\" -g app -s /bin/sh app\n\
                    RUN addgroup -S -g 3000 web && adduser -S -D -u 3001 -G web web\n\
                    RUN adduser --system --uid=4001 --ingroup web svc\n\
                    RUN useradd -rmu 5001 packed && useradd -u6001 glued\n";
        assert_eq!(id_of(text, AccountKind::User, "app"), Some(1001));
        assert_eq!(id_of(text, AccountKind::Group, "app"), Some(2000));
        assert_eq!(id_of(text, AccountKind::Group, "web"), Some(3000));
        assert_eq!(id_of(text, AccountKind::User, "web"), Some(3001));
        assert_eq!(id_of(text, AccountKind::User, "svc"), Some(4001));
        assert_eq!(id_of(text, AccountKind::User, "packed"), Some(5001));
        assert_eq!(id_of(text, AccountKind::User, "glued"), Some(6001));
        assert_eq!(id_of(text, AccountKind::User, "nobody"), None);
        let model = SemanticModel::new(plimsoll_parser::parse(text));
        let app = created_id(&model, &model.runs, AccountKind::User, "app");
        assert!(app.is_some_and(|created| created.from_variable));
        let web = created_id(&model, &model.runs, AccountKind::User, "web");
        assert!(web.is_some_and(|created| !created.from_variable));
    }

    #[test]
    fn unknown_or_changed_ids_are_not_given() {
        let no_id = "FROM debian:12\nRUN useradd -m app\n";
        assert_eq!(id_of(no_id, AccountKind::User, "app"), None);
        let unset = "FROM debian:12\nARG UID\nRUN useradd -u $UID app\n";
        assert_eq!(id_of(unset, AccountKind::User, "app"), None);
        let modified = "FROM debian:12\nRUN useradd -u 1000 app && usermod -u 1001 app\n";
        assert_eq!(id_of(modified, AccountKind::User, "app"), None);
        let joins = "FROM alpine:3\nRUN addgroup -g 10 app wheel\n";
        assert_eq!(id_of(joins, AccountKind::Group, "wheel"), None);
        let twice = "FROM debian:12\nRUN useradd -u 1000 app\nRUN useradd -u 1001 app\n";
        assert_eq!(id_of(twice, AccountKind::User, "app"), None);
    }
}
