//! The files, names and values that look like secrets, shared by the rules that look for
//! them in COPY sources, in the build context and in ENV/ARG/RUN text (PL402, PL601,
//! PL602).
//!
//! A file is judged by its name, and by its content when that can be read: a `.pem` is a
//! secret only when it holds a private key (certificate bundles are public), an `.npmrc`
//! only when it holds a literal auth token (most only name a registry, or read the token
//! from `${NPM_TOKEN}`).
//!
//! | Name                                                             | Secret when                                   |
//! |------------------------------------------------------------------|-----------------------------------------------|
//! | `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (and `_sk`)          | always (not `.pub`); with content, a private key |
//! | `*.ppk`, `*.p12`, `*.pfx`, `*.jks`, `*.keystore`                  | always, unless the name says trust store / `cacerts` |
//! | `*.key`                                                           | no content: unless named like a public key (`gpg`, `pgp`, `pub`, `release`, `signing`, `repo`, `apt`, `archive`); with content: a private key, or not a PEM text at all |
//! | `*.pem`                                                           | content holds a private key; without content, only when the name says `key` or `priv` |
//! | `.env`, `.env.*` (not `example`, `sample`, `template`, `dist`, `default`, `schema`, `tpl`, `tmpl`) | no content, or a secret-named variable with a real-looking value |
//! | `*.env`                                                           | content has a secret-named variable with a real-looking value |
//! | `.git-credentials`, `.netrc`, `_netrc`, `.pgpass`, `.vault-token`, `.aws/credentials`, `config/master.key` | always |
//! | `.npmrc`, `.yarnrc.yml`, `.pypirc`, `.docker/config.json`          | content holds a literal credential            |
//! | `credentials.json`, `client_secret*.json`, `service-account*.json`, `service_account*.json`, `application_default_credentials.json` | no content, or content with `private_key`, `client_secret` or `refresh_token` |
//! | `kubeconfig`, `*.kubeconfig`, `kubeconfig.y*ml`, `.kube/config`     | no content, or content with a token, password or client key |
//! | directories `.ssh`, `.aws`, `.gnupg` (as a COPY source)            | no context to look inside                     |
//!
//! Test data, examples and dependencies ([`is_test_or_foreign`]) hold keys that are public
//! on purpose: the context walk ([`sent_secrets`]) skips them, and rules skip them too.

use crate::context::ContextView;
use crate::rules::helpers::paths::file_name;
use std::sync::LazyLock;

/// How sure the name alone is.
#[derive(Clone, Copy, Debug)]
enum Evidence {
    /// The name is enough.
    Name,
    /// The name is enough unless the content, when known, says otherwise.
    NameUnlessContent(fn(&str) -> bool),
    /// Only content that passes the test makes it a secret.
    Content(fn(&str) -> bool),
}

/// A file that looks like a secret.
#[derive(Clone, Copy, Debug)]
pub struct SecretFile {
    /// What it is, for messages: "an SSH private key".
    pub what: &'static str,
    evidence: Evidence,
}

impl SecretFile {
    /// Whether the file is a secret given its content (`None` when it cannot be read).
    pub fn is_secret(&self, content: Option<&str>) -> bool {
        match (self.evidence, content) {
            (Evidence::Name, _) => true,
            (Evidence::NameUnlessContent(_), None) => true,
            (Evidence::NameUnlessContent(test), Some(text)) => test(text),
            (Evidence::Content(_), None) => false,
            (Evidence::Content(test), Some(text)) => test(text),
        }
    }

    /// Whether the name alone makes it a secret (no content needed).
    pub fn by_name(&self) -> bool {
        !matches!(self.evidence, Evidence::Content(_))
    }
}

const fn secret(what: &'static str, evidence: Evidence) -> Option<SecretFile> {
    Some(SecretFile { what, evidence })
}

/// Classifies a path (relative to the build context, or absolute in an image) by its name.
/// `None` when the name does not look like a secret; otherwise call
/// [`SecretFile::is_secret`] with the content, when it can be read.
///
/// ```
/// use plimsoll_rules::rules::security::secret_files::classify;
///
/// assert!(classify("deploy/id_rsa").is_some_and(|s| s.is_secret(None)));
/// assert!(classify("id_rsa.pub").is_none());
/// assert!(classify("certs/ca.pem").is_none_or(|s| !s.is_secret(None)));
/// assert!(classify(".env.example").is_none());
/// ```
pub fn classify(path: &str) -> Option<SecretFile> {
    let path = path.trim_end_matches('/');
    let (parent, name) = match path.rsplit_once('/') {
        Some((parent, name)) => (parent.rsplit('/').next().unwrap_or(parent), name),
        None => ("", path),
    };
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, ext)| ext);
    match lower.as_str() {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return secret(
                "an SSH private key",
                Evidence::NameUnlessContent(has_private_key),
            )
        }
        ".git-credentials" => return secret("Git credentials", Evidence::Name),
        ".netrc" | "_netrc" => {
            return secret("a netrc file with login credentials", Evidence::Name)
        }
        ".pgpass" => return secret("PostgreSQL passwords", Evidence::Name),
        ".vault-token" => return secret("a Vault token", Evidence::Name),
        ".npmrc" => return secret("an npm auth token", Evidence::Content(npmrc_has_token)),
        ".yarnrc.yml" => return secret("a Yarn auth token", Evidence::Content(yarnrc_has_token)),
        ".pypirc" => return secret("a PyPI password", Evidence::Content(pypirc_has_password)),
        "credentials" if parent == ".aws" => return secret("AWS credentials", Evidence::Name),
        "master.key" if parent == "config" => {
            return secret("the Rails master key", Evidence::Name)
        }
        "config.json" if parent == ".docker" => {
            return secret(
                "Docker registry credentials",
                Evidence::Content(docker_config_has_auth),
            )
        }
        "config" if parent == ".kube" => {
            return secret(
                "Kubernetes credentials",
                Evidence::NameUnlessContent(kubeconfig_has_credentials),
            )
        }
        "kubeconfig" | "kubeconfig.yaml" | "kubeconfig.yml" => {
            return secret(
                "Kubernetes credentials",
                Evidence::NameUnlessContent(kubeconfig_has_credentials),
            )
        }
        "credentials.json" | "application_default_credentials.json" => {
            return secret(
                "cloud credentials",
                Evidence::NameUnlessContent(json_has_credentials),
            )
        }
        _ => {}
    }
    if ext == "json"
        && (lower.starts_with("client_secret")
            || lower.starts_with("service-account")
            || lower.starts_with("service_account"))
    {
        return secret(
            "cloud credentials",
            Evidence::NameUnlessContent(json_has_credentials),
        );
    }
    if ext == "kubeconfig" {
        return secret(
            "Kubernetes credentials",
            Evidence::NameUnlessContent(kubeconfig_has_credentials),
        );
    }
    if lower == ".env" || lower.starts_with(".env.") {
        if is_env_template(&lower) {
            return None;
        }
        return secret(
            "environment secrets",
            Evidence::NameUnlessContent(env_has_secret),
        );
    }
    match ext {
        "env" => secret("environment secrets", Evidence::Content(env_has_secret)),
        "ppk" => secret("a PuTTY private key", Evidence::Name),
        "p12" | "pfx" | "jks" | "keystore" => {
            if lower.contains("trust") || lower.contains("cacert") {
                None
            } else {
                secret("a key store", Evidence::Name)
            }
        }
        "key" => {
            const PUBLIC: [&str; 8] = [
                "gpg", "pgp", "pub", "release", "signing", "repo", "apt", "archive",
            ];
            if PUBLIC.iter().any(|p| lower.contains(p)) {
                secret("a private key", Evidence::Content(has_private_key))
            } else {
                secret(
                    "a private key",
                    Evidence::NameUnlessContent(key_file_is_private),
                )
            }
        }
        "pem" => {
            let stem = lower.trim_end_matches(".pem");
            let named_key = (stem.contains("key") || stem.contains("priv"))
                && !stem.contains("pub")
                && !stem.contains("cert");
            if named_key {
                secret(
                    "a private key",
                    Evidence::NameUnlessContent(has_private_key),
                )
            } else {
                secret("a private key", Evidence::Content(has_private_key))
            }
        }
        _ => None,
    }
}

/// Directories whose content is mostly secrets, as a COPY source: `.ssh`, `.aws`,
/// `.gnupg`. Returns what they hold.
pub fn secret_dir(path: &str) -> Option<&'static str> {
    match file_name(path) {
        ".ssh" => Some("SSH keys"),
        ".aws" => Some("AWS credentials"),
        ".gnupg" => Some("GnuPG private keys"),
        _ => None,
    }
}

fn is_env_template(lower: &str) -> bool {
    const TEMPLATES: [&str; 8] = [
        "example", "sample", "template", "dist", "default", "schema", "tpl", "tmpl",
    ];
    TEMPLATES.iter().any(|t| lower.contains(t))
}

fn has_private_key(text: &str) -> bool {
    text.contains("PRIVATE KEY")
}

/// A `.key` file: a PEM private key, or not PEM text at all (a DER key, a raw key).
fn key_file_is_private(text: &str) -> bool {
    has_private_key(text) || !text.contains("-----BEGIN")
}

/// The values of `key=value` / `key: value` lines whose key satisfies `select`.
fn assigned_values<'t>(
    text: &'t str,
    separators: &'static [char],
    mut select: impl FnMut(&str) -> bool + 't,
) -> impl Iterator<Item = &'t str> + 't {
    text.lines().filter_map(move |line| {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            return None;
        }
        let (key, value) = line.split_once(separators)?;
        let key = key.trim().trim_start_matches("export ").trim();
        if !select(key) {
            return None;
        }
        let value = value.trim().trim_matches(['"', '\'']);
        Some(value)
    })
}

/// A literal credential value: not empty, not a variable reference.
fn is_literal(value: &str) -> bool {
    !value.is_empty() && !value.contains('$') && !value.contains("{{")
}

fn npmrc_has_token(text: &str) -> bool {
    assigned_values(text, &['='], |key| {
        key.ends_with("_authToken") || key.ends_with("_auth") || key.ends_with("_password")
    })
    .any(is_literal)
}

fn yarnrc_has_token(text: &str) -> bool {
    assigned_values(text, &[':'], |key| {
        key == "npmAuthToken" || key == "npmAuthIdent"
    })
    .any(is_literal)
}

fn pypirc_has_password(text: &str) -> bool {
    assigned_values(text, &['=', ':'], |key| key == "password").any(is_literal)
}

fn docker_config_has_auth(text: &str) -> bool {
    static AUTH: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#""(auth|identitytoken|registrytoken)"\s*:\s*"[^"]+""#)
            .expect("valid regex")
    });
    AUTH.is_match(text)
}

fn kubeconfig_has_credentials(text: &str) -> bool {
    assigned_values(text, &[':'], |key| {
        matches!(
            key.trim_start_matches("- "),
            "token" | "password" | "client-key-data" | "client-key" | "id-token" | "refresh-token"
        )
    })
    .any(is_literal)
}

fn json_has_credentials(text: &str) -> bool {
    ["\"private_key\"", "\"client_secret\"", "\"refresh_token\""]
        .iter()
        .any(|k| text.contains(k))
}

fn env_has_secret(text: &str) -> bool {
    assigned_values(text, &['='], is_secret_name).any(looks_like_secret_value)
}

/// Whether a variable name says it holds a secret: it ends in `TOKEN`, `PASSWORD`,
/// `PASSWD` or `SECRET` (as a `_`-separated part), or contains `API_KEY`, `APIKEY`,
/// `SECRET_KEY`, `PRIVATE_KEY`, `SECRET_ACCESS_KEY` or `CLIENT_SECRET`; names ending in
/// `_FILE`, `_PATH`, `_DIR`, `_URL`, `_NAME`, `_ID`, … (which point at a secret, not hold
/// it) do not count.
///
/// ```
/// use plimsoll_rules::rules::security::secret_files::is_secret_name;
///
/// assert!(is_secret_name("GITHUB_TOKEN"));
/// assert!(is_secret_name("db_password"));
/// assert!(is_secret_name("STRIPE_API_KEY"));
/// assert!(!is_secret_name("API_KEY_FILE"));
/// assert!(!is_secret_name("TOKENIZER"));
/// assert!(!is_secret_name("GPG_KEY"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.trim_matches(['"', '\'']).to_ascii_uppercase();
    let last = upper.rsplit(['_', '-', '.']).next().unwrap_or(&upper);
    const POINTERS: [&str; 14] = [
        "FILE", "PATH", "DIR", "URL", "NAME", "ID", "LABEL", "HEADER", "TYPE", "LENGTH", "ENV",
        "VAR", "FORMAT", "COMMAND",
    ];
    if POINTERS.contains(&last) {
        return false;
    }
    if matches!(last, "TOKEN" | "PASSWORD" | "PASSWD" | "SECRET") {
        return true;
    }
    [
        "API_KEY",
        "APIKEY",
        "SECRET_KEY",
        "PRIVATE_KEY",
        "SECRET_ACCESS_KEY",
        "CLIENT_SECRET",
    ]
    .iter()
    .any(|part| upper.contains(part))
}

/// Prefixes of tokens issued by well-known services (GitHub, GitLab, Slack, Stripe, npm,
/// PyPI, Hugging Face, AWS, Google).
const TOKEN_PREFIXES: [&str; 17] = [
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "sk_live_",
    "rk_live_",
    "npm_",
    "pypi-",
    "hf_",
    "AKIA",
    "AIza",
];

/// Whether a literal value looks like a real secret rather than a placeholder, a
/// default or a reference: at least 8 characters, no spaces, no `$` expansion, not a path,
/// not made only of digits, mixing at least two of lower case, upper case, digits and
/// symbols (or at least 20 characters long), and without placeholder words (`changeme`, `example`,
/// `password`, `your`, `xxx`, `<…>`, …) nor well-known defaults (`admin`, `postgres`,
/// `changeit`, …). Tokens with a well-known prefix (`ghp_…`, `glpat-…`) count whenever
/// they are long enough.
///
/// ```
/// use plimsoll_rules::rules::security::secret_files::looks_like_secret_value;
///
/// assert!(looks_like_secret_value("Harbor12345"));
/// assert!(looks_like_secret_value("9f8e7d6c5b4a3f2e"));
/// assert!(!looks_like_secret_value("changeme"));
/// assert!(!looks_like_secret_value("${GITHUB_TOKEN}"));
/// assert!(!looks_like_secret_value("/run/secrets/token"));
/// assert!(!looks_like_secret_value("<your-token>"));
/// ```
pub fn looks_like_secret_value(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.len() < 8
        || value.contains(['$', ' ', '\t', '<', '>', '{', '}', '%', '`'])
        || value.starts_with(['/', '.', '~', '-', '@'])
        || value.contains("://")
        || value.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    if let Some(rest) = TOKEN_PREFIXES.iter().find_map(|p| value.strip_prefix(p)) {
        return rest.len() >= 12 && !is_placeholder(rest);
    }
    // A word (`application`, `Welcome`) is a default, not a generated secret.
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
        value.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    let mixed = classes.iter().filter(|c| **c).count() >= 2;
    (mixed || value.len() >= 20) && !is_placeholder(value)
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: [&str; 27] = [
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "example",
        "placeholder",
        "dummy",
        "xxx",
        "***",
        "...",
        "your",
        "replace",
        "insert",
        "fixme",
        "todo",
        "secret",
        "password",
        "passwd",
        "token",
        "fake",
        "sample",
        "default",
        "redacted",
        "test",
        "none",
        "null",
        "undefined",
    ];
    const DEFAULTS: [&str; 8] = [
        "admin", "root", "guest", "postgres", "mysql", "12345678", "qwerty", "letmein",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) || DEFAULTS.contains(&lower.as_str()) {
        return true;
    }
    // The same character repeated: `aaaaaaaa`, `00000000`.
    let mut chars = lower.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}

/// Whether a value looks like an access token on its own (the user part of
/// `https://TOKEN@host`): a well-known prefix, or at least 20 characters of letters,
/// digits, `_` and `-` mixing letters and digits.
pub fn looks_like_token(value: &str) -> bool {
    if TOKEN_PREFIXES.iter().any(|p| value.starts_with(p)) {
        return looks_like_secret_value(value);
    }
    value.len() >= 20
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && value.bytes().any(|b| b.is_ascii_digit())
        && value.bytes().any(|b| b.is_ascii_alphabetic())
        && !is_placeholder(value)
}

/// Whether a path is test data, an example or a dependency rather than the project's own
/// secret: a directory `node_modules`, `vendor`, `third_party`, `.git`, `.venv`, `venv`,
/// `site-packages`, `test`, `tests`, `testdata`, `fixture(s)`, `__fixtures__`, `e2e`,
/// `example(s)`, `sample(s)` on the way, or a file name saying `sample`, `example`,
/// `dummy`, `fake`, `test`, `e2e` or `snakeoil` (Debian's self-signed pair).
///
/// ```
/// use plimsoll_rules::rules::security::secret_files::is_test_or_foreign;
///
/// assert!(is_test_or_foreign("test/fixture/certs/server.key"));
/// assert!(is_test_or_foreign("node_modules/pkg/key.pem"));
/// assert!(is_test_or_foreign("sample-RSA-private.pem"));
/// assert!(!is_test_or_foreign("certs/server.key"));
/// assert!(!is_test_or_foreign("/root/.ssh/id_rsa"));
/// ```
pub fn is_test_or_foreign(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop().unwrap_or("").to_ascii_lowercase();
    let in_dir = parts.iter().any(|dir| {
        matches!(
            dir.to_ascii_lowercase().as_str(),
            "node_modules"
                | "vendor"
                | "third_party"
                | ".git"
                | ".venv"
                | "venv"
                | "site-packages"
                | "testdata"
                | "test"
                | "tests"
                | "fixture"
                | "fixtures"
                | "__fixtures__"
                | "e2e"
                | "example"
                | "examples"
                | "sample"
                | "samples"
        )
    });
    in_dir
        || [
            "sample", "example", "dummy", "fake", "test", "e2e", "snakeoil",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// A secret file found in the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundSecret {
    /// The path relative to the context root.
    pub path: String,
    /// What it looks like.
    pub what: &'static str,
}

/// The secret-looking files the build sends (not excluded by `.dockerignore`), outside
/// dependency and test directories, in path order; at most `limit` of them, and whether
/// there were more ([`is_test_or_foreign`] paths are skipped).
pub fn sent_secrets(view: &ContextView<'_>, limit: usize) -> (Vec<FoundSecret>, bool) {
    // The same for every Dockerfile sharing the context: worked out once per run.
    view.memoized(&format!("sent_secrets {limit}"), || {
        find_sent_secrets(view, limit)
    })
}

fn find_sent_secrets(view: &ContextView<'_>, limit: usize) -> (Vec<FoundSecret>, bool) {
    let mut found = Vec::new();
    let mut more = false;
    view.walk(|path, is_dir| {
        if is_dir || is_test_or_foreign(path) {
            return true;
        }
        let Some(kind) = classify(path) else {
            return true;
        };
        if kind.is_secret(view.context.read(path).as_deref()) {
            if found.len() == limit {
                more = true;
                return false;
            }
            found.push(FoundSecret {
                path: path.to_string(),
                what: kind.what,
            });
        }
        true
    });
    found.sort_by(|a, b| a.path.cmp(&b.path));
    (found, more)
}

/// `.dockerignore` patterns that keep the files this module judges secret by name out of
/// the build context (templates like `.env.example` stay in).
pub const DOCKERIGNORE_PATTERNS: &[&str] = &[
    "**/.env",
    "**/.env.*",
    "!**/.env.example",
    "!**/.env.sample",
    "!**/.env.template",
    "**/id_rsa",
    "**/id_dsa",
    "**/id_ecdsa",
    "**/id_ed25519",
    "**/*.ppk",
    "**/*.p12",
    "**/*.pfx",
    "**/.git-credentials",
    "**/.netrc",
    "**/.pgpass",
    "**/.vault-token",
    ".ssh",
    ".aws",
    ".gnupg",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{dockerignore::PatternMatcher, MemoryContext};

    fn secret_by_name(path: &str) -> bool {
        classify(path).is_some_and(|s| s.is_secret(None))
    }

    #[test]
    fn ssh_keys_but_not_public_keys() {
        assert!(secret_by_name("id_rsa"));
        assert!(secret_by_name("/root/.ssh/id_ed25519"));
        assert!(secret_by_name("keys/id_ecdsa_sk"));
        assert!(!secret_by_name("id_rsa.pub"));
        assert!(!secret_by_name("authorized_keys"));
        assert!(!secret_by_name("known_hosts"));
        let key = classify("id_rsa").unwrap();
        assert!(key.is_secret(Some("-----BEGIN OPENSSH PRIVATE KEY-----\n")));
        assert!(!key.is_secret(Some("ssh-rsa AAAA user@host\n")));
    }

    #[test]
    fn pem_files_need_a_private_key() {
        assert!(secret_by_name("certs/server-key.pem"));
        assert!(secret_by_name("privkey.pem"));
        assert!(secret_by_name("sample-RSA-private.pem"));
        assert!(!secret_by_name("ca.pem"));
        assert!(!secret_by_name("cert.pem"));
        assert!(!secret_by_name("fullchain.pem"));
        assert!(!secret_by_name("sample-RSA-public.pem"));
        let pem = classify("server.pem").unwrap();
        assert!(pem.is_secret(Some("-----BEGIN RSA PRIVATE KEY-----\n")));
        assert!(!pem.is_secret(Some("-----BEGIN CERTIFICATE-----\n")));
        let named = classify("tls.key.pem").unwrap();
        assert!(!named.is_secret(Some("-----BEGIN CERTIFICATE-----\n")));
    }

    #[test]
    fn key_files_unless_named_or_shaped_like_public_keys() {
        assert!(secret_by_name("ssl/ory-conformity.key"));
        assert!(secret_by_name("config/master.key"));
        assert!(!secret_by_name("Release.key"));
        assert!(!secret_by_name("nodesource-repo.gpg.key"));
        let key = classify("server.key").unwrap();
        assert!(key.is_secret(Some("-----BEGIN EC PRIVATE KEY-----\n")));
        assert!(!key.is_secret(Some("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")));
        assert!(key.is_secret(Some("\u{30}\u{82}binary")));
    }

    #[test]
    fn env_files_but_not_templates() {
        assert!(secret_by_name(".env"));
        assert!(secret_by_name("app/.env.production"));
        assert!(!secret_by_name(".env.example"));
        assert!(!secret_by_name(".env.local.sample"));
        assert!(!secret_by_name(".env.dist"));
        assert!(!secret_by_name(".envrc"));
        assert!(!secret_by_name("meta.env"));
        let env = classify(".env").unwrap();
        assert!(env.is_secret(Some("PORT=3000\nSTRIPE_API_KEY=rk9Qw2Lm7Xz4Tb8N\n")));
        assert!(!env.is_secret(Some("PORT=3000\nDEBUG=1\n")));
        assert!(!env.is_secret(Some("DB_PASSWORD=changeme\n")));
        assert!(!env.is_secret(Some("# GITHUB_TOKEN=abcdefgh12345678\n")));
        let named = classify("prod.env").unwrap();
        assert!(!named.is_secret(None));
        assert!(named.is_secret(Some("export DB_PASSWORD='p4ssW0rd-Prod'\n")));
    }

    #[test]
    fn credential_files() {
        assert!(secret_by_name(".git-credentials"));
        assert!(secret_by_name(".netrc"));
        assert!(secret_by_name(".aws/credentials"));
        assert!(!secret_by_name(".aws/config"));
        assert!(!secret_by_name("credentials"));
        assert!(secret_by_name("gcp/service-account-prod.json"));
        assert!(secret_by_name("credentials.json"));
        assert!(!classify("credentials.json")
            .unwrap()
            .is_secret(Some("{\"type\": \"none\"}")));
        assert!(secret_by_name("kubeconfig"));
        assert!(secret_by_name("/root/.kube/config"));
        assert!(secret_by_name("admin.kubeconfig"));
        assert!(!classify(".kube/config").unwrap().is_secret(Some(
            "users:\n- name: a\n  user:\n    exec:\n      command: gke\n"
        )));
        assert!(secret_by_name("keystore.jks"));
        assert!(!secret_by_name("truststore.jks"));
        assert!(!secret_by_name("cacerts.p12"));
    }

    #[test]
    fn config_files_need_a_literal_credential() {
        let npmrc = classify(".npmrc").unwrap();
        assert!(!npmrc.is_secret(None));
        assert!(!npmrc.is_secret(Some("registry=https://npm.example.com/\n")));
        assert!(!npmrc.is_secret(Some("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")));
        assert!(npmrc.is_secret(Some("//registry.npmjs.org/:_authToken=0a1b2c3d\n")));
        let pypirc = classify(".pypirc").unwrap();
        assert!(pypirc.is_secret(Some("[pypi]\nusername = __token__\npassword = pypi-AgEI\n")));
        let docker = classify(".docker/config.json").unwrap();
        assert!(docker.is_secret(Some("{\"auths\":{\"r\":{\"auth\":\"dXNlcjpwYXNz\"}}}")));
        assert!(!docker.is_secret(Some("{\"credsStore\":\"desktop\"}")));
        assert!(classify("config.json").is_none());
        let yarnrc = classify(".yarnrc.yml").unwrap();
        assert!(yarnrc.is_secret(Some("npmAuthToken: \"abc123def\"\n")));
        assert!(!yarnrc.is_secret(Some("npmAuthToken: \"${NPM_TOKEN}\"\n")));
    }

    #[test]
    fn secret_values() {
        let token = format!("{}{}", "gh", "p_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ");
        assert!(looks_like_secret_value(&token));
        assert!(looks_like_token(&token));
        assert!(!looks_like_secret_value("ghp_xxxxxxxxxxxxxxxxxxxx"));
        assert!(!looks_like_secret_value("password"));
        assert!(!looks_like_secret_value("postgres"));
        assert!(!looks_like_secret_value("12345678901"));
        assert!(!looks_like_secret_value("aaaaaaaaaa"));
        assert!(!looks_like_secret_value("short"));
        assert!(!looks_like_secret_value("application"));
        assert!(looks_like_secret_value("D0cker!a8s"));
        assert!(!looks_like_token("deploy"));
        assert!(!looks_like_token("x-access-token"));
        assert!(looks_like_token("0123456789abcdef0123456789abcdef01234567"));
    }

    #[test]
    fn walk_finds_sent_secrets_outside_foreign_dirs() {
        let context = MemoryContext::new([
            (".dockerignore", "secrets\n"),
            (".env", "API_TOKEN=Zq8wLm3Kx9Vb\n"),
            ("secrets/id_rsa", ""),
            ("node_modules/pkg/test/key.pem", "PRIVATE KEY"),
            ("test/fixture/server.key", "PRIVATE KEY"),
            ("certs/ca.pem", "-----BEGIN CERTIFICATE-----"),
            ("certs/tls.key", "-----BEGIN PRIVATE KEY-----"),
            ("main.go", ""),
        ]);
        let view = ContextView::new(&context, Some("Dockerfile"));
        let (found, more) = sent_secrets(&view, 10);
        let paths: Vec<_> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [".env", "certs/tls.key"]);
        assert!(!more);
        let (found, more) = sent_secrets(&view, 1);
        assert_eq!(found.len(), 1);
        assert!(more);
    }

    #[test]
    fn dockerignore_patterns_are_valid_and_cover_the_names() {
        let matcher = PatternMatcher::new(DOCKERIGNORE_PATTERNS).unwrap();
        for path in [
            ".env",
            "app/.env.local",
            "id_rsa",
            "a/b/id_ed25519",
            ".ssh/config",
        ] {
            assert!(matcher.matches_or_parent_matches(path), "{path}");
        }
        for path in [".env.example", "app/.env.sample", "id_rsa.pub", "main.go"] {
            assert!(!matcher.matches_or_parent_matches(path), "{path}");
        }
    }
}
