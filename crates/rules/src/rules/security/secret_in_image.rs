use crate::checker::Checker;
use crate::context::dockerignore::{clean, PatternMatcher};
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{InstructionId, SemanticModel};
use crate::registry::{Rule, Target};
use crate::rules::helpers::paths::file_name;
use crate::rules::helpers::stages::ends_up_in_image;
use crate::rules::security::secret_files::{
    classify, is_secret_name, is_test_or_foreign, looks_like_secret_value, looks_like_token,
    secret_dir, sent_secrets, FoundSecret, DOCKERIGNORE_PATTERNS,
};
use plimsoll_parser::shell::{Command, Word as ShellWord};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange, Word};
use std::sync::LazyLock;

declare_rule! {
    /// ## What it does
    /// Reports secrets that end up in an image or in the Dockerfile itself: COPY or ADD of a
    /// file that looks like a private key or a credentials file, `COPY .` of a build context
    /// holding such files that `.dockerignore` does not exclude, credentials written on a
    /// RUN command line, and ENV or ARG variables named like secrets with a literal value.
    ///
    /// Files are judged by name, and by content when the build context can be read (see
    /// the table below). Without a build context, only names that are secrets by
    /// themselves count, and `COPY .` is not looked into.
    ///
    /// | Source | Reported when |
    /// |--------|---------------|
    /// | `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` | always (`id_rsa.pub` never) |
    /// | `*.key` | unless named like a public key (`*.gpg.key`, `Release.key`) or holding a PEM public key |
    /// | `*.pem` | holding a private key; without context, when named `*key*.pem` or `*priv*.pem` |
    /// | `*.p12`, `*.pfx`, `*.jks`, `*.keystore`, `*.ppk` | unless named like a trust store |
    /// | `.env`, `.env.*` | unless a template (`.env.example`, `.sample`, `.template`, `.dist`, …); with content, when a variable named like a secret has a real-looking value |
    /// | `.git-credentials`, `.netrc`, `.pgpass`, `.vault-token`, `.aws/credentials`, `config/master.key` | always |
    /// | `.npmrc`, `.yarnrc.yml`, `.pypirc`, `.docker/config.json` | only when the context shows a literal token or password in it |
    /// | `credentials.json`, `service-account*.json`, `client_secret*.json`, `kubeconfig`, `.kube/config` | unless the content shows no credential |
    /// | directories `.ssh`, `.aws`, `.gnupg` | when they hold one of the above, or the context cannot tell |
    ///
    /// `COPY --from=…` sources are judged by name only: copying `/root/.ssh/id_rsa` out of
    /// another stage puts the key in this one. The `COPY .` check (and `COPY dir/`, `COPY *`)
    /// applies to the final stage and the stages it is built on, since files swept into a
    /// builder stage do not reach the image. Test data, examples and dependencies are public
    /// on purpose and not counted: paths through `test`, `tests`, `testdata`, `fixtures`,
    /// `e2e`, `examples`, `samples`, `node_modules`, `vendor` directories, and file names
    /// saying `sample`, `example`, `dummy`, `fake`, `test` or `snakeoil`.
    ///
    /// On RUN command lines: `docker login -p …`/`--password …` (and `podman`, `buildah`,
    /// `nerdctl`, `skopeo`, `helm registry`, `oras` login), `curl -u user:password`,
    /// `wget --password=…`, URLs with a password or an access token
    /// (`https://user:password@host`, `https://<token>@github.com/…`, also `git+https`,
    /// `ftp`, `ssh`, `svn` and database URLs like `postgres://user:password@db/app`) and npm
    /// `_authToken=…`. ENV and ARG: names ending in `TOKEN`, `PASSWORD`, `PASSWD` or
    /// `SECRET`, or containing `API_KEY`, `SECRET_KEY`, `PRIVATE_KEY`, `CLIENT_SECRET`, and
    /// any value with such a URL (`https_proxy=http://user:password@proxy:3128`).
    /// A value only counts when it looks real: literal (no `$VAR`), at least 8 characters,
    /// not a placeholder (`changeme`, `example`, `<token>`, `xxx`, …) nor a well-known
    /// default (`admin`, `postgres`, `changeit`, …). BuildKit's `SecretsUsedInArgOrEnv`
    /// check, which reports the names whatever the value, is a separate rule.
    ///
    /// ## Why
    /// Every layer of an image can be read by anyone who can pull it: deleting a file in a
    /// later layer does not remove it, and ENV values and RUN command lines are kept in the
    /// image configuration and history (`docker history`, `docker inspect`). A key or token
    /// in an image, or in a Dockerfile under version control, must be considered leaked.
    ///
    /// BuildKit can give a build step a secret without storing it:
    /// `RUN --mount=type=secret` mounts a file (or sets a variable) for that one RUN, and
    /// `RUN --mount=type=ssh` forwards the SSH agent.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@github.com:acme/private-lib.git
    /// ENV STRIPE_API_KEY=rk9Qw2Lm7Xz4Tb8N
    /// RUN git clone https://deploy:9f8e7d6c5b4a3f2e@git.example.com/acme/app.git
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// RUN --mount=type=ssh git clone git@github.com:acme/private-lib.git
    /// ARG NPM_TOKEN
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ENV DB_PASSWORD_FILE=/run/secrets/db_password
    /// ```
    ///
    /// With a build context, `COPY .` is reported when it sweeps secrets in:
    ///
    /// ```context
    /// Dockerfile
    /// package.json: {}
    /// server.js
    /// .env: PORT=3000\nSTRIPE_API_KEY=rk9Qw2Lm7Xz4Tb8N\n
    /// .env.example: PORT=3000\nSTRIPE_API_KEY=\n
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json server.js .env.example ./
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// Display-only: the secret has to be passed at build time (`docker build --secret
    /// id=…,src=…` or `--ssh default`), which a Dockerfile edit cannot do. The suggestion
    /// removes the COPY and mounts the secret (`--mount=type=secret,id=…` or
    /// `--mount=type=ssh`) in the next RUN of the stage, reads a RUN credential from
    /// `/run/secrets/…`, drops an ARG default or an ENV, or lists the files to add to
    /// `.dockerignore`. A key that was ever pushed in an image should also be revoked.
    pub struct SecretInImage {
        code: "PL402",
        name: "secret-in-image",
        category: Security,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// How many context secrets a `COPY .` message names.
const SHOWN: usize = 5;

impl Rule for SecretInImage {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let mut context_secrets: Option<Vec<FoundSecret>> = None;
        let named = named_files(model);
        for (id, instruction) in model.file.instructions.iter().enumerate() {
            match instruction.keyword {
                Keyword::Copy | Keyword::Add => {
                    let swept = model
                        .stage_of(id)
                        .is_some_and(|s| ends_up_in_image(model, s));
                    let secrets = &mut context_secrets;
                    check_copy(checker, id, instruction, swept, secrets, &named);
                }
                Keyword::Env => check_env(checker, instruction),
                Keyword::Arg => check_arg(checker, instruction),
                _ => {}
            }
        }
        for run in &model.runs {
            for command in run.script.commands() {
                check_command(checker, run.instruction, command);
            }
        }
    }
}

/// The context files COPY/ADD name (not `--from`, not globs), as context paths.
fn named_files(model: &SemanticModel) -> Vec<String> {
    let mut out = Vec::new();
    for (id, instruction) in model.file.instructions.iter().enumerate() {
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
            || instruction.flag("from").is_some()
        {
            continue;
        }
        let Some(words) = copy_words(instruction) else {
            continue;
        };
        for word in &words[..words.len() - 1] {
            if let Some(value) = model.expand_at(id, &word.value) {
                let path = context_path(&value);
                if path != "." && !has_glob(&path) {
                    out.push(path);
                }
            }
        }
    }
    out
}

/// A COPY/ADD source as a context path: `/` and `./` removed, cleaned; `.` for the root.
fn context_path(source: &str) -> String {
    let cleaned = clean(source.trim_start_matches('/'));
    if cleaned.is_empty() {
        ".".to_string()
    } else {
        cleaned
    }
}

fn has_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Whether copying `source` (a context path, possibly a glob) copies `file`.
fn copies(source: &str, file: &str) -> bool {
    source == "." || PatternMatcher::new([source]).is_ok_and(|m| m.matches_or_parent_matches(file))
}

/// The words of a COPY/ADD: sources and destination.
fn copy_words(instruction: &Instruction) -> Option<&[Word]> {
    match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) if words.len() >= 2 => Some(words),
        _ => None,
    }
}

fn check_copy(
    checker: &mut Checker<'_>,
    id: InstructionId,
    instruction: &Instruction,
    swept_into_image: bool,
    context_secrets: &mut Option<Vec<FoundSecret>>,
    named: &[String],
) {
    let model = checker.model;
    let Some(words) = copy_words(instruction) else {
        return;
    };
    let (sources, dest) = words.split_at(words.len() - 1);
    let from = instruction.flag("from").and_then(|f| f.value.clone());
    let mut explicit: Vec<String> = Vec::new();
    let mut swept: Vec<FoundSecret> = Vec::new();
    let mut swept_at: Option<(TextRange, String)> = None;
    for (index, word) in sources.iter().enumerate() {
        let raw = word.value.as_str();
        if raw.starts_with("<<") || raw.contains("://") || raw.starts_with("git@") {
            continue;
        }
        let Some(value) = model.expand_at(id, raw) else {
            continue;
        };
        let found = if from.is_some() {
            by_name(&value)
        } else {
            let path = context_path(&value);
            match checker.context {
                None if has_glob(&path) => None,
                None => by_name(&path),
                Some(view) => {
                    let mut found = None;
                    if !has_glob(&path) {
                        if !view.context.exists(&path) {
                            // Not in the context (generated before the build, or a partial
                            // context): the name decides.
                            found = by_name(&path);
                        } else if view.is_ignored(&path) {
                            continue;
                        } else if let Some(kind) = classify(&path) {
                            if kind.is_secret(view.context.read(&path).as_deref()) {
                                found = Some(kind.what);
                            }
                        } else if let Some(what) = secret_dir(&path) {
                            // `.ssh`, `.aws`, `.gnupg`: reported when they hold a secret.
                            let secrets =
                                context_secrets.get_or_insert_with(|| sent_secrets(view, 1000).0);
                            if secrets.iter().any(|s| copies(&path, &s.path)) {
                                found = Some(what);
                            }
                        }
                    }
                    if found.is_none() && swept_into_image {
                        let secrets =
                            context_secrets.get_or_insert_with(|| sent_secrets(view, 1000).0);
                        for secret in secrets.iter() {
                            if copies(&path, &secret.path)
                                && !swept.iter().any(|s| s.path == secret.path)
                            {
                                swept.push(secret.clone());
                                swept_at.get_or_insert((word.range, raw.to_string()));
                            }
                        }
                    }
                    found
                }
            }
        };
        // Test keys and examples are public on purpose.
        if let Some(what) = found.filter(|_| !is_test_or_foreign(&value)) {
            explicit.push(value.clone());
            report_copied_secret(
                checker,
                id,
                instruction,
                index,
                &value,
                what,
                dest.first(),
                from.as_deref(),
            );
        }
    }
    // A file copied by name is reported where it is copied.
    swept.retain(|s| !named.contains(&s.path));
    swept.retain(|s| !explicit.iter().any(|e| copies(&context_path(e), &s.path)));
    if let (Some((range, source)), false) = (swept_at, swept.is_empty()) {
        report_swept_secrets(checker, instruction, range, &source, &swept);
    }
}

/// What a source is by its name alone: a secret file or a secret directory.
fn by_name(path: &str) -> Option<&'static str> {
    classify(path)
        .filter(|kind| kind.is_secret(None))
        .map(|kind| kind.what)
        .or_else(|| secret_dir(path))
}

/// `id_rsa` → `id_rsa`, `.npmrc` → `npmrc`, `service-account.json` → `service_account_json`.
fn secret_id(path: &str) -> String {
    let id: String = file_name(path)
        .trim_start_matches('.')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "secret".to_string()
    } else {
        id
    }
}

fn is_ssh(path: &str, what: &str) -> bool {
    what == "an SSH private key" || secret_dir(path) == Some("SSH keys")
}

#[allow(clippy::too_many_arguments)]
fn report_copied_secret(
    checker: &mut Checker<'_>,
    id: InstructionId,
    instruction: &Instruction,
    index: usize,
    source: &str,
    what: &'static str,
    dest: Option<&Word>,
    from: Option<&str>,
) {
    let Some(words) = copy_words(instruction) else {
        return;
    };
    let Some(word) = words.get(index) else {
        return;
    };
    let keyword = instruction.keyword.as_str();
    let shown = source.trim_end_matches('/');
    let message = match from {
        Some(stage) => format!(
            "`{keyword} --from={stage}` copies `{shown}`, which looks like {what}, into this stage's image"
        ),
        None => format!(
            "`{keyword}` puts `{shown}` ({what}) in a layer of the image, where anyone who can pull the image can read it"
        ),
    };
    let ssh = is_ssh(source, what);
    let secret = secret_id(source);
    let target = dest
        .map(|d| d.value.as_str())
        .and_then(|d| mount_target(d, shown, words.len() > 2));
    let mount = if ssh {
        "--mount=type=ssh".to_string()
    } else {
        match &target {
            Some(target) => format!("--mount=type=secret,id={secret},target={target}"),
            None => format!("--mount=type=secret,id={secret}"),
        }
    };
    let title = match (ssh, from) {
        (true, None) => format!(
            "Remove the COPY and forward the SSH agent to the RUN that needs the key: `RUN {mount} …` (build with `docker build --ssh default`)"
        ),
        (false, None) => format!(
            "Remove the COPY and mount the secret in the RUN that needs it: `RUN {mount} …` (build with `docker build --secret id={secret},src={shown}`)"
        ),
        (_, Some(_)) => format!(
            "Do not copy credentials between stages: mount them in the RUN that needs them with `RUN {mount} …`"
        ),
    };
    let mut edits = Vec::new();
    if from.is_none() && !instruction.json {
        edits.extend(remove_source(checker, instruction, words, index));
        if let Some(run) = next_run(checker.model, id) {
            edits.push(Edit::insert(run.keyword_range.end, format!(" {mount}")));
        }
    }
    checker
        .report(word.range, message)
        .set_fix(Fix::display_only(title, edits));
}

/// Where a secret copied to `dest` should be mounted: `dest` (plus the file name when it
/// is a directory) when absolute; `None` when relative or unknown.
fn mount_target(dest: &str, source: &str, several_sources: bool) -> Option<String> {
    if !dest.starts_with('/') || dest.contains('$') {
        return None;
    }
    let name = source.rsplit('/').next().unwrap_or(source);
    if dest.ends_with('/') {
        Some(format!("{dest}{name}"))
    } else if several_sources {
        Some(format!("{dest}/{name}"))
    } else {
        Some(dest.to_string())
    }
}

/// Edits removing source `index` of a shell-form COPY: the whole instruction when it is the
/// only source, else the word and the space before it.
fn remove_source(
    checker: &Checker<'_>,
    instruction: &Instruction,
    words: &[Word],
    index: usize,
) -> Option<Edit> {
    if words.len() == 2 {
        let start = checker.line_start(instruction.range.start);
        let end = checker.next_line_start(instruction.range.end);
        return Some(Edit::delete(TextRange::new(start, end)));
    }
    let word = words.get(index)?;
    let range = match index.checked_sub(1).and_then(|i| words.get(i)) {
        Some(previous) => TextRange::new(previous.range.end, word.range.end),
        None => TextRange::new(word.range.start, words.get(1)?.range.start),
    };
    Some(Edit::delete(range))
}

/// The first RUN after `id` in the same stage.
fn next_run(model: &SemanticModel, id: InstructionId) -> Option<&Instruction> {
    let stage = model.stage_of(id)?;
    (id + 1..stage.instructions.end)
        .map(|i| model.instruction(i))
        .find(|i| i.keyword == Keyword::Run)
}

fn report_swept_secrets(
    checker: &mut Checker<'_>,
    instruction: &Instruction,
    range: TextRange,
    source: &str,
    secrets: &[FoundSecret],
) {
    let Some(view) = checker.context else {
        return;
    };
    let mut names: Vec<String> = secrets
        .iter()
        .take(SHOWN)
        .map(|s| format!("`{}` ({})", s.path, s.what))
        .collect();
    if secrets.len() > SHOWN {
        names.push(format!("and {} more", secrets.len() - SHOWN));
    }
    let why = match &view.dockerignore {
        Some(ignore) => format!("`{}` does not exclude them", ignore.path),
        None => "there is no `.dockerignore` to exclude them".to_string(),
    };
    let message = format!(
        "`{} {source}` copies files that look like secrets into the image: {}; {why}",
        instruction.keyword.as_str(),
        names.join(", ")
    );
    let lines: Vec<&str> = secrets.iter().map(|s| s.path.as_str()).collect();
    let fix = match &view.dockerignore {
        Some(ignore) => Fix::display_only(
            format!("Add these lines to `{}`: {}", ignore.path, lines.join(", ")),
            Vec::new(),
        ),
        None => {
            let mut content = String::from("# Secrets: pass them with `docker build --secret`\n");
            for pattern in DOCKERIGNORE_PATTERNS {
                content.push_str(pattern);
                content.push('\n');
            }
            for path in &lines {
                content.push_str(path);
                content.push('\n');
            }
            Fix::display_only(
                "Create a `.dockerignore` that excludes them",
                vec![Edit::create_file(".dockerignore", content)],
            )
        }
    };
    checker.report(range, message).set_fix(fix);
}

/// The value of an ENV pair or ARG default without its quotes.
fn unquote(value: &str) -> &str {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn check_env(checker: &mut Checker<'_>, instruction: &Instruction) {
    let Arguments::KeyValues(pairs) = &instruction.args else {
        return;
    };
    for (index, pair) in pairs.iter().enumerate() {
        let name = unquote(&pair.key.value);
        let value = unquote(&pair.value.value);
        if !is_secret_name(name) || !looks_like_secret_value(value) {
            report_url_credential(checker, "ENV", name, &pair.value);
            continue;
        }
        // The pair and the space before it (after it, for the first of several), or the
        // whole instruction when it is the only pair.
        let removal = match (
            index.checked_sub(1).and_then(|i| pairs.get(i)),
            pairs.get(1),
        ) {
            (Some(previous), _) => TextRange::new(previous.range.end, pair.range.end),
            (None, Some(next)) => TextRange::new(pair.range.start, next.range.start),
            (None, None) => TextRange::new(
                checker.line_start(instruction.range.start),
                checker.next_line_start(instruction.range.end),
            ),
        };
        let id = name.to_ascii_lowercase();
        checker
            .report(
                pair.value.range,
                format!(
                    "ENV `{name}` holds a literal secret: it is stored in the image configuration, where `docker inspect` shows it"
                ),
            )
            .set_fix(Fix::display_only(
                format!(
                    "Remove the ENV and give the secret only to the RUN that needs it: `RUN --mount=type=secret,id={id},env={name} …`"
                ),
                vec![Edit::delete(removal)],
            ));
    }
}

fn check_arg(checker: &mut Checker<'_>, instruction: &Instruction) {
    let Arguments::List(words) = &instruction.args else {
        return;
    };
    for word in words {
        let Some((name, value)) = word.value.split_once('=') else {
            continue;
        };
        if !is_secret_name(name) || !looks_like_secret_value(unquote(value)) {
            report_url_credential(checker, "ARG", name, word);
            continue;
        }
        let written = checker.text(word.range);
        let (range, removal) = if written == word.value {
            let equals = word.range.start + name.len() as u32;
            (
                TextRange::new(equals + 1, word.range.end),
                TextRange::new(equals, word.range.end),
            )
        } else {
            (word.range, TextRange::empty(word.range.end))
        };
        let id = name.to_ascii_lowercase();
        let edits = if removal.is_empty() {
            Vec::new()
        } else {
            vec![Edit::delete(removal)]
        };
        checker
            .report(
                range,
                format!(
                    "ARG `{name}` has a literal secret as its default: it is in the Dockerfile and in the image history"
                ),
            )
            .set_fix(Fix::display_only(
                format!(
                    "Drop the default and pass the secret at build time: `docker build --secret id={id}` and `RUN --mount=type=secret,id={id},env={name} …`"
                ),
                edits,
            ));
    }
}

/// Reports a password or token in a URL in the value of an ENV or ARG (`http_proxy`).
fn report_url_credential(checker: &mut Checker<'_>, keyword: &str, name: &str, word: &Word) {
    if word.value.contains('$') {
        return;
    }
    let Some((start, end, what)) = find_credential(&word.value) else {
        return;
    };
    let range = part_range(checker, word.range, &word.value, start, end);
    let kept = if keyword == "ENV" {
        "it is stored in the image configuration, where `docker inspect` shows it"
    } else {
        "it is in the Dockerfile and in the image history"
    };
    checker
        .report(
            range,
            format!("{keyword} `{name}` holds {what}: {kept}"),
        )
        .set_fix(Fix::display_only(
            "Take the credentials out of the URL and give them only to the RUN that needs them with `RUN --mount=type=secret`",
            Vec::new(),
        ));
}

/// Registry clients whose `login` takes `-p`/`--password`.
const LOGIN_CLIENTS: [&str; 7] = [
    "docker", "podman", "buildah", "nerdctl", "skopeo", "helm", "oras",
];

/// A credential found on a command line: where it is and what it is.
struct Credential {
    range: TextRange,
    what: &'static str,
    id: &'static str,
}

fn check_command(checker: &mut Checker<'_>, run: InstructionId, command: &Command) {
    let mut found: Vec<Credential> = Vec::new();
    let invocation = command.unwrapped();
    let program = invocation.program().unwrap_or("");
    let args = invocation.args;
    if LOGIN_CLIENTS.contains(&program) && invocation.args_after_subcommand("login").is_some() {
        found.extend(option_value(
            checker,
            args,
            &["-p", "--password"],
            "a registry password",
            "registry_password",
            looks_like_secret_value,
        ));
    }
    if program == "curl" {
        found.extend(option_value(
            checker,
            args,
            &["-u", "--user", "-U", "--proxy-user"],
            "a password",
            "curl_credentials",
            |v| {
                v.split_once(':')
                    .is_some_and(|(user, pass)| pass != user && looks_like_secret_value(pass))
            },
        ));
    }
    if program == "wget" {
        found.extend(option_value(
            checker,
            args,
            &[
                "--password",
                "--http-password",
                "--ftp-password",
                "--proxy-password",
            ],
            "a password",
            "wget_password",
            looks_like_secret_value,
        ));
    }
    let words = command
        .args
        .iter()
        .chain(command.assignments.iter().map(|a| &a.value));
    for word in words {
        if let Some(credential) = credential_in_text(checker, word) {
            if !found
                .iter()
                .any(|f| f.range.contains_range(credential.range))
            {
                found.push(credential);
            }
        }
    }
    let Some(instruction) = checker.model.file.instructions.get(run) else {
        return;
    };
    let keyword_end = instruction.keyword_range.end;
    for credential in found {
        let path = format!("/run/secrets/{}", credential.id);
        let title = format!(
            "Pass it as a build secret: `RUN --mount=type=secret,id={} …` and read it from `{path}`",
            credential.id
        );
        let edits = vec![
            Edit::insert(
                keyword_end,
                format!(" --mount=type=secret,id={}", credential.id),
            ),
            Edit::replace(credential.range, format!("$(cat {path})")),
        ];
        checker
            .report(
                credential.range,
                format!(
                    "{} is written on the RUN command line: it is kept in the Dockerfile and in the image history",
                    capitalize(credential.what)
                ),
            )
            .set_fix(Fix::display_only(title, edits));
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The literal value of one of `options` (`-p VALUE`, `--password=VALUE`, `-pVALUE`)
/// when `accept` takes it.
fn option_value(
    checker: &Checker<'_>,
    args: &[ShellWord],
    options: &[&str],
    what: &'static str,
    id: &'static str,
    accept: impl Fn(&str) -> bool,
) -> Option<Credential> {
    for (i, word) in args.iter().enumerate() {
        let Some(text) = word.as_str() else {
            continue;
        };
        if text == "--" {
            break;
        }
        for option in options {
            let (value, range) = if text == *option {
                match args.get(i + 1).and_then(|n| Some((n.as_str()?, n.range))) {
                    Some(next) => next,
                    None => continue,
                }
            } else if let Some(rest) = text
                .strip_prefix(option)
                .and_then(|r| r.strip_prefix('=').or((option.len() == 2).then_some(r)))
            {
                if rest.is_empty() {
                    continue;
                }
                (rest, sub_range(checker, word, rest).unwrap_or(word.range))
            } else {
                continue;
            };
            if accept(value) {
                return Some(Credential { range, what, id });
            }
        }
    }
    None
}

/// The file range of the suffix `rest` of a word, when the word is written as its value.
fn sub_range(checker: &Checker<'_>, word: &ShellWord, rest: &str) -> Option<TextRange> {
    let written = checker.text(word.range);
    let value = word.as_str()?;
    if written != value || !written.ends_with(rest) {
        return None;
    }
    Some(TextRange::new(
        word.range.end - rest.len() as u32,
        word.range.end,
    ))
}

static URL_USERINFO: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(?:https?|ftps?|git\+https?|git\+ssh|ssh|svn|svn\+ssh|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?)://([^/@\s'\x22:]+)(?::([^/@\s'\x22]*))?@",
    )
    .expect("valid regex")
});

static NPM_AUTH: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"_auth(?:Token)?=([^\s'\x22]+)").expect("valid regex"));

/// The range of `text[start..end]` in a word at `range` whose text is `text`, when the file
/// has that text there; else the whole word.
fn part_range(
    checker: &Checker<'_>,
    range: TextRange,
    text: &str,
    start: usize,
    end: usize,
) -> TextRange {
    if checker.text(range) == text {
        TextRange::new(range.start + start as u32, range.start + end as u32)
    } else {
        range
    }
}

/// A credential ([`find_credential`]) in a word of a command.
fn credential_in_text(checker: &Checker<'_>, word: &ShellWord) -> Option<Credential> {
    let text = word.text.as_str();
    let (start, end, what) = find_credential(text)?;
    let range = part_range(checker, word.range, text, start, end);
    let id = match what {
        "an npm auth token" => "npm_token",
        "a password in a URL" => "url_password",
        _ => "url_token",
    };
    Some(Credential { range, what, id })
}

/// A password or token in a URL's user information, or an npm `_authToken=…`, in `text`:
/// its byte range in `text` and what it is.
fn find_credential(text: &str) -> Option<(usize, usize, &'static str)> {
    // Each pattern needs text of its own: most words have neither, and are then answered
    // without compiling or running either pattern.
    let may_have_userinfo = text.contains("://") && text.contains('@');
    let userinfo = may_have_userinfo.then(|| URL_USERINFO.captures_iter(text));
    for captures in userinfo.into_iter().flatten() {
        let (Some(user), password) = (captures.get(1), captures.get(2)) else {
            continue;
        };
        if user.as_str().contains('$') {
            continue;
        }
        match password {
            Some(password) => {
                let value = password.as_str();
                if !value.contains('$') && value != user.as_str() && looks_like_secret_value(value)
                {
                    return Some((password.start(), password.end(), "a password in a URL"));
                }
            }
            None if looks_like_token(user.as_str()) => {
                return Some((user.start(), user.end(), "an access token in a URL"));
            }
            None => {}
        }
    }
    if !text.contains("_auth") {
        return None;
    }
    let token = NPM_AUTH.captures(text).and_then(|c| c.get(1))?;
    looks_like_secret_value(token.as_str())
        .then(|| (token.start(), token.end(), "an npm auth token"))
}
