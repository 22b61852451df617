use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::top_level_id;
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line};
use crate::rules::helpers::buildkit_env::{env_before, split_arg};
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};
use regex::Regex;
use std::sync::LazyLock;

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` variables named like secrets: a name with a `_`-separated
    /// word (or the whole name) that is, in any case, `apikey`, `auth`, `credential`,
    /// `credentials`, `key`, `password`, `pword`, `passwd`, `secret` or `token`, unless a
    /// word of it is `public`, `file` or `version` (`GITHUB_TOKEN`, `db_password`,
    /// `API_KEY_ID` and `AUTH` are reported; `PUBLIC_KEY`, `PASSWORD_FILE`,
    /// `AUTH_MODULE_VERSION` and `KEYCLOAK_URL` are not). The value does not matter.
    ///
    /// The name alone decides, as in BuildKit: `GPG_KEY` (a public key's fingerprint in the
    /// official Python images) or `CREDENTIALS_PATH` are reported too; suppress such a line
    /// with `# check=skip=SecretsUsedInArgOrEnv` or `# plimsoll ignore=PL214`.
    ///
    /// This is BuildKit's `SecretsUsedInArgOrEnv` check, with its matching and message. As
    /// in BuildKit, ARGs before the first `FROM` are not checked (they only reach `FROM`
    /// lines), nor are ARG and ENV registered with `ONBUILD`. The separate rule `PL402`
    /// reports secrets whose value is written in the Dockerfile.
    ///
    /// ## Why
    /// An `ENV` value is stored in the image configuration, and an `ARG` value in the
    /// image history of every `RUN` that follows: anyone who can pull the image can read
    /// them with `docker inspect` or `docker history`. Secrets a build needs should come
    /// from a secret mount, which is not stored: `RUN --mount=type=secret,id=token,env=TOKEN`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ARG AWS_SECRET_ACCESS_KEY
    /// ENV GITHUB_TOKEN=""
    /// RUN ./deploy.sh
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ARG SIGNING_PUBLIC_KEY
    /// RUN --mount=type=secret,id=aws,env=AWS_SECRET_ACCESS_KEY \
    ///     --mount=type=secret,id=github,env=GITHUB_TOKEN \
    ///     ./deploy.sh
    /// ```
    ///
    /// ## Fix
    /// None: the variable has to become a secret mount on the `RUN` instructions that use
    /// it, and the build command has to pass the secret.
    pub struct SecretsUsedInArgOrEnv {
        code: "PL214",
        name: "secrets-used-in-arg-or-env",
        aliases: ["SecretsUsedInArgOrEnv"],
        category: Security,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Arg, Keyword::Env])],
    }
}

/// BuildKit's `getSecretsRegex`: a secret word of the `_`-separated name.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
    )
    .expect("the secret pattern compiles")
});

/// The words that make a secret-looking name harmless.
static ALLOWED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)").expect("the allow pattern compiles")
});

/// Whether BuildKit takes `name` for a secret's.
fn is_secret_name(name: &str) -> bool {
    SECRET.is_match(name) && !ALLOWED.is_match(name)
}

impl Rule for SecretsUsedInArgOrEnv {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        let Some(id) = top_level_id(model, instruction) else {
            return;
        };
        // ONBUILD triggers, and ARGs of the global scope, are not checked.
        if model.stage_of(id).is_none() {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let mut names: Vec<(String, TextRange)> = Vec::new();
        match &instruction.args {
            Arguments::List(words) if instruction.keyword == Keyword::Arg => {
                for word in words {
                    let (name, _) = split_arg(&word.value);
                    let end = word.range.start + name.len() as u32;
                    let literal = checker.text(word.range).starts_with(name);
                    let range = if literal {
                        TextRange::new(word.range.start, end.min(word.range.end))
                    } else {
                        word.range
                    };
                    names.push((name.to_string(), range));
                }
            }
            Arguments::KeyValues(pairs) => {
                let env = pairs
                    .iter()
                    .any(|p| p.key.value.contains('$'))
                    .then(|| env_before(model, id))
                    .flatten();
                let lexer = Lexer::new(model.file.escape);
                for pair in pairs {
                    let key = match &env {
                        Some(env) if pair.key.value.contains('$') => env
                            .expand(&lexer, &pair.key.value)
                            .map_or_else(|| pair.key.value.clone(), |e| e.value),
                        _ => lexer
                            .process_word(&pair.key.value, &plimsoll_parser::expand::EmptyEnv)
                            .map_or_else(|_| pair.key.value.clone(), |e| e.value),
                    };
                    names.push((key, pair.key.range));
                }
            }
            _ => {}
        }
        for (name, range) in names {
            if is_secret_name(&name) {
                let message = format!(
                    "Do not use ARG or ENV instructions for sensitive data ({keyword} {})",
                    go_quote(&name)
                );
                let range = on_first_line(checker, instruction, range);
                checker.report(range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_buildkit() {
        for secret in [
            "SECRET_PASSPHRASE",
            "SUPER_Secret",
            "password",
            "super_duper_secret_token",
            "auth",
            "apikey",
            "git_key",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY_ID",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for harmless in [
            "sunflower",
            "PUBLIC_KEY",
            "public_token",
            "SECRET_PASSPHRASE_FILE",
            "password_file",
            "secret_File",
            "AUTH_MODULE_VERSION",
            "KEYCLOAK_URL",
            "MONKEY",
            "TOKENIZER",
        ] {
            assert!(!is_secret_name(harmless), "{harmless}");
        }
    }
}
