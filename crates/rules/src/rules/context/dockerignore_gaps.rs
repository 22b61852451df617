use super::missing_dockerignore::{
    broad_copy, excludes_named, installs_node_modules, is_tool_config, named_sources, needs_git,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::registry::{Rule, Target};
use crate::rules::security::secret_files::sent_secrets;

declare_rule! {
    /// ## What it does
    /// Reports a `.dockerignore` that lets through what a whole-context copy (`COPY . …`,
    /// `COPY * …`, `ADD . …`, a `RUN --mount=type=bind` of the context root) should not
    /// send: the `.git` directory (or file), files that look like secrets (private keys,
    /// `.env` files with secrets, credentials files), or `node_modules` when a RUN
    /// installs the packages anyway. It is reported once, at the first whole-context
    /// copy, naming what is missing.
    ///
    /// Not reported: `.git` when a RUN runs `git` on the sources or a Python build derives
    /// its version from Git; anything the Dockerfile copies by name; `.npmrc`,
    /// `.yarnrc.yml` and `.pypirc`, which builds may need (`secret-in-image` reports a
    /// literal token in them); secrets under dependency and test directories. A
    /// `.dockerignore` with a malformed pattern is not looked at (the build fails anyway).
    ///
    /// ## Why
    /// Whatever `.dockerignore` lets through is sent to the builder and copied into the
    /// image by `COPY .`: the Git history, keys and tokens become readable by anyone who
    /// can pull the image, a host `node_modules` overwrites the packages installed for the
    /// image, and every change to those files invalidates the layer cache.
    ///
    /// ## Example
    /// ```context
    /// Dockerfile
    /// .dockerignore: node_modules\n
    /// package.json: {}
    /// server.js
    /// .git/HEAD: ref: refs/heads/main\n
    /// deploy/id_ed25519: -----BEGIN OPENSSH PRIVATE KEY-----\n
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci --omit=dev
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json server.js ./
    /// RUN npm ci --omit=dev
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// Display-only: it lists the lines to add to `.dockerignore` (Plimsoll edits the
    /// Dockerfile and creates files, but does not change an existing `.dockerignore`).
    pub struct DockerignoreGaps {
        code: "PL602",
        name: "dockerignore-gaps",
        category: Context,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// How many missing entries the message names.
const SHOWN: usize = 5;

impl Rule for DockerignoreGaps {
    fn file(&self, checker: &mut Checker<'_>) {
        let Some(view) = checker.context else {
            return;
        };
        let Some(ignore) = &view.dockerignore else {
            return;
        };
        if ignore.matcher.is_err() {
            return;
        }
        let model = checker.model;
        let Some(broad) = broad_copy(model) else {
            return;
        };
        let named = named_sources(model);
        let mut missing: Vec<(String, String)> = Vec::new();
        if view.is_sent(".git") && !needs_git(model, view) && !excludes_named(".git", &named, &[]) {
            missing.push(("`.git`".to_string(), ".git".to_string()));
        }
        let (secrets, more) = sent_secrets(view, 100);
        for secret in &secrets {
            if is_tool_config(&secret.path)
                || excludes_named(&secret.path, &named, std::slice::from_ref(&secret.path))
            {
                continue;
            }
            missing.push((
                format!("`{}` ({})", secret.path, secret.what),
                secret.path.clone(),
            ));
        }
        if view.is_sent("node_modules")
            && installs_node_modules(model)
            && !excludes_named("node_modules", &named, &[])
        {
            missing.push(("`node_modules`".to_string(), "node_modules".to_string()));
        }
        if missing.is_empty() {
            return;
        }
        let mut shown: Vec<String> = missing.iter().take(SHOWN).map(|(s, _)| s.clone()).collect();
        if missing.len() > SHOWN || more {
            let rest = missing.len().saturating_sub(SHOWN);
            shown.push(if more {
                "and more".to_string()
            } else {
                format!("and {rest} more")
            });
        }
        let message = format!(
            "`{}` does not exclude {}, which `{}` sends to the builder",
            ignore.path,
            shown.join(", "),
            broad.shown
        );
        let lines: Vec<&str> = missing.iter().map(|(_, line)| line.as_str()).collect();
        let title = format!("Add to `{}`: {}", ignore.path, lines.join(", "));
        checker
            .report(broad.range, message)
            .set_fix(Fix::display_only(title, Vec::new()));
    }
}
