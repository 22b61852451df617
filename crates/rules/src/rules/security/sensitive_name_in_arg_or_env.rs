use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_env::split_arg;
use crate::rules::helpers::expansion::expand_word;
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` variables whose name says they hold sensitive data: a name
    /// of hadolint's list of well-known credentials (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`,
    /// `NPM_TOKEN`, `DOCKER_PASSWORD`, `DOCKER_USERNAME`, …), or one that contains, in any
    /// case, `api_key`, `client_key`, `password`, `secret`, `token` or `private` followed
    /// by `key` (`SSH_PRIVATE_KEY`). The value does not matter. `ARG` and `ENV` registered
    /// with `ONBUILD` are checked too.
    ///
    /// Names that only point at a secret, or describe one, are not reported: a last word
    /// ending in `file`, `path`, `dir`, `url`, `uri`, `endpoint`, `type`, `length`,
    /// `version`, `label` or `name` (`POSTGRES_PASSWORD_FILE`, `SECRETFILE`, `TOKEN_URL`),
    /// a tokenizer (`TOKENIZERS_PARALLELISM`), and a switch set to `true`, `false`, `yes`,
    /// `no`, `on`, `off`, `0` or `1` (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`).
    ///
    /// ## Why
    /// An `ENV` value is stored in the image configuration, and an `ARG` value in the
    /// image history of every `RUN` that follows: anyone who can pull the image can read
    /// them with `docker inspect` or `docker history`. Secrets a build needs should come
    /// from a secret mount, which is not stored: `RUN --mount=type=secret,id=npm,env=NPM_TOKEN`.
    ///
    /// Unlike hadolint, the rule does not report `ARG`s declared before the first `FROM`,
    /// whose value only reaches `FROM` lines and is not stored in the image (a stage that
    /// declares the `ARG` again is reported there), nor names that are not secrets: any
    /// name with `username` (hadolint's match; most hold the name of the Linux user the
    /// image creates, `ARG USERNAME=vscode`), `GOPRIVATE` and `PRIVATE_REGISTRY` (its
    /// match on `private`), and the entries of its list that are public identifiers or CI
    /// settings (`TRAVIS_OS_NAME`, `FACEBOOK_APP_ID`, `OKTA_OAUTH2_CLIENTID`, …). BuildKit's own check, `PL214`, matches names differently
    /// (`API_KEY`, `AUTH`); both may report the same variable.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-bookworm-slim
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-bookworm-slim
    /// RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## Fix
    /// None: the variable has to become a secret mount on the `RUN` instructions that use
    /// it, and the build command has to pass the secret.
    pub struct SensitiveNameInArgOrEnv {
        code: "DL3064",
        name: "sensitive-name-in-arg-or-env",
        category: Security,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Arg, Keyword::Env])],
    }
}

/// hadolint's list of credentials by name, without the entries that are not secrets:
/// identifiers meant to be public (`FACEBOOK_APP_ID`, `OKTA_OAUTH2_CLIENTID`,
/// `OKTA_AUTHN_GROUPID`, `OKTA_CLIENT_ORGURL`) and settings of CI services
/// (`TRAVIS_OS_NAME`, `TRAVIS_SUDO`, `TRAVIS_SECURE_ENV_VARS`, `STRIPE_DEVICE_NAME`).
const KNOWN_NAMES: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// hadolint's words of a sensitive name, matched anywhere in it (lowercased), but for
/// `username`: a user name is not a secret, and most variables named so hold the name of
/// the Linux user the image creates (`ARG USERNAME=vscode`).
const SENSITIVE_PARTS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
];

/// Last words of a name that make it about a secret rather than the secret itself.
const METADATA_WORDS: &[&str] = &[
    "file", "files", "path", "dir", "url", "uri", "endpoint", "type", "length", "version", "label",
    "name",
];

/// Values of a switch, not of a secret.
const SWITCH_VALUES: &[&str] = &["true", "false", "yes", "no", "on", "off", "0", "1"];

impl Rule for SensitiveNameInArgOrEnv {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        let nested = model.instruction(id).keyword == Keyword::Onbuild;
        // A global ARG only reaches FROM lines.
        if !nested && model.stage_of(id).is_none() {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let stored = if instruction.keyword == Keyword::Env {
            "is stored in the image configuration"
        } else {
            "is recorded in the history of the image's `RUN` layers"
        };
        for (name, value, range) in declared(checker, instruction, id, nested) {
            if !is_sensitive(&name) || value.as_deref().is_some_and(is_switch) {
                continue;
            }
            checker.report(
                range,
                format!(
                    "Potentially sensitive data should not be used in the `ARG` or `ENV` \
                     commands: the value of `{keyword} {name}` {stored}"
                ),
            );
        }
    }
}

/// The variables an ARG or ENV declares: name, literal value (when written without
/// variables) and where the name is.
fn declared(
    checker: &Checker<'_>,
    instruction: &Instruction,
    id: usize,
    nested: bool,
) -> Vec<(String, Option<String>, TextRange)> {
    let model = checker.model;
    let mut out = Vec::new();
    match &instruction.args {
        Arguments::List(words) if instruction.keyword == Keyword::Arg => {
            for word in words {
                let (name, default) = split_arg(&word.value);
                let literal = checker.text(word.range).starts_with(name);
                let range = if literal {
                    TextRange::new(word.range.start, word.range.start + name.len() as u32)
                } else {
                    word.range
                };
                let value = default.and_then(literal_value);
                out.push((name.to_string(), value, range));
            }
        }
        Arguments::KeyValues(pairs) => {
            for pair in pairs {
                let key = if nested {
                    Some(pair.key.value.clone()).filter(|k| !k.contains('$'))
                } else {
                    expand_word(model, id, &pair.key.value)
                };
                let Some(key) = key else {
                    continue;
                };
                out.push((key, literal_value(&pair.value.value), pair.key.range));
            }
        }
        _ => {}
    }
    out
}

/// A value written without variables, its quotes removed.
fn literal_value(written: &str) -> Option<String> {
    let value = written.trim_matches(['"', '\'']);
    (!value.contains('$')).then(|| value.to_string())
}

/// Whether hadolint's check takes `name` for a secret's, less the names that point at a
/// secret, tokenizers, and `private` other than in a private key.
fn is_sensitive(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if KNOWN_NAMES.contains(&upper.as_str()) {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    // Most names hold no sensitive word at all: answered before splitting them.
    if !SENSITIVE_PARTS.iter().any(|part| lower.contains(part)) {
        return false;
    }
    let words: Vec<&str> = lower
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    // `PASSWORD_FILE`, and `SECRETFILE` written as one word.
    if words
        .last()
        .is_some_and(|w| METADATA_WORDS.iter().any(|m| w.ends_with(m)))
    {
        return false;
    }
    SENSITIVE_PARTS.iter().any(|part| {
        lower.match_indices(part).any(|(at, _)| {
            let after = lower.get(at + part.len()..).unwrap_or("");
            match *part {
                // `tokenizer`, `TOKENIZERS_PARALLELISM`: a tokenizer, not a token.
                "token" => !after.starts_with("iz"),
                // A private key (`SSH_PRIVATE_KEY`), not `GOPRIVATE` (module paths) or
                // `PRIVATE_REGISTRY`.
                "private" => after.trim_start_matches(['_', '-', '.']).starts_with("key"),
                _ => true,
            }
        })
    })
}

/// Whether `value` is a switch (`true`, `no`, `1`), not a secret.
fn is_switch(value: &str) -> bool {
    SWITCH_VALUES.contains(&value.to_ascii_lowercase().as_str())
}
