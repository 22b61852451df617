//! What each instruction and flag does, for hover and completion.

use plimsoll_parser::Keyword;

/// The documentation of one instruction.
pub struct InstructionDoc {
    /// The instruction.
    pub keyword: Keyword,
    /// Its forms.
    pub syntax: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Its flags: name (without `--`) and what it does.
    pub flags: &'static [(&'static str, &'static str)],
}

impl InstructionDoc {
    /// The documentation as Markdown.
    pub fn markdown(&self) -> String {
        let name = self.keyword.as_str().to_ascii_uppercase();
        let mut out = format!(
            "**{name}**\n\n{}\n\n```dockerfile\n{}\n```\n",
            self.summary, self.syntax
        );
        if !self.flags.is_empty() {
            out.push_str("\nFlags:\n");
            for (flag, doc) in self.flags {
                out.push_str(&format!("- `--{flag}`: {doc}\n"));
            }
        }
        out.push_str(&format!(
            "\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#{})",
            self.keyword.as_str().to_ascii_lowercase()
        ));
        out
    }

    /// The documentation of one of its flags.
    pub fn flag(&self, name: &str) -> Option<&'static str> {
        self.flags
            .iter()
            .find(|(flag, _)| *flag == name)
            .map(|(_, doc)| *doc)
    }
}

/// The documentation of an instruction (`None` for an unknown one).
pub fn instruction_doc(keyword: Keyword) -> Option<&'static InstructionDoc> {
    INSTRUCTIONS.iter().find(|doc| doc.keyword == keyword)
}

/// Every instruction's documentation, in the order completion offers them.
pub static INSTRUCTIONS: &[InstructionDoc] = &[
    InstructionDoc {
        keyword: Keyword::From,
        syntax: "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
        summary: "Starts a build stage on a base image, `scratch` (an empty image) or an earlier stage. \
                  `AS <name>` names the stage for `COPY --from`, `RUN --mount=from=` and `--target`. \
                  Only ARGs declared before the first FROM can be used in it.",
        flags: &[("platform", "the platform of the base image, such as `linux/amd64` or `$BUILDPLATFORM` (to run the build stage natively and cross-compile).")],
    },
    InstructionDoc {
        keyword: Keyword::Run,
        syntax: "RUN [--mount=…] [--network=…] [--security=…] <command>\nRUN [\"executable\", \"arg\", …]\nRUN <<EOF\n…\nEOF",
        summary: "Runs a command in a new layer on top of the current image. The shell form runs through \
                  the stage's SHELL (`/bin/sh -c` by default); the exec form runs the program directly, \
                  without variable expansion.",
        flags: &[
            ("mount", "mounts something for this command only: `type=cache` (a persistent cache, e.g. for package managers and Go builds), `type=bind`, `type=secret` (a secret that never enters a layer), `type=ssh`, `type=tmpfs`."),
            ("network", "the network for the command: `default`, `none` or `host`."),
            ("security", "`insecure` runs the command without the sandbox (needs an entitlement); `sandbox` is the default."),
            ("device", "makes a CDI device available to the command."),
        ],
    },
    InstructionDoc {
        keyword: Keyword::Cmd,
        syntax: "CMD [\"executable\", \"arg\", …]\nCMD [\"arg\", …]   (arguments for ENTRYPOINT)\nCMD command arg …",
        summary: "The default command of a container, or the default arguments of the ENTRYPOINT. Only the \
                  last CMD of the final stage counts. Prefer the exec (JSON) form: the shell form runs \
                  under `/bin/sh -c`, which does not forward signals to the program.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Label,
        syntax: "LABEL <key>=<value> [<key>=<value> …]",
        summary: "Adds metadata to the image, such as `org.opencontainers.image.source`. Labels are \
                  inherited from the base image.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Expose,
        syntax: "EXPOSE <port>[/<protocol>] …",
        summary: "Documents the ports the container listens on (`tcp` unless `/udp` is given). It \
                  publishes nothing by itself.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Env,
        syntax: "ENV <key>=<value> [<key>=<value> …]",
        summary: "Sets environment variables for the rest of the stage, for the stages built on it, and \
                  for the running container.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Add,
        syntax: "ADD [--chown=…] [--chmod=…] [--checksum=…] [--link] <src> … <dest>",
        summary: "Copies files, directories, remote URLs or Git repositories into the image, and \
                  extracts local tar archives. Use COPY for plain local files: it does only that.",
        flags: &[
            ("chown", "the owner of the copied files, `user[:group]`."),
            ("chmod", "the permissions of the copied files, octal (`755`) or symbolic."),
            ("link", "copies into an independent layer, so the layer is reused even when earlier layers change."),
            ("checksum", "the expected checksum of a remote source (`sha256:…`)."),
            ("keep-git-dir", "keeps the `.git` directory of a Git source."),
            ("exclude", "a pattern of source paths not to copy."),
            ("unpack", "whether archives are extracted (`--unpack=false` copies them as they are)."),
        ],
    },
    InstructionDoc {
        keyword: Keyword::Copy,
        syntax: "COPY [--from=<stage|image>] [--chown=…] [--chmod=…] [--link] [--parents] <src> … <dest>",
        summary: "Copies files from the build context, an earlier stage or an image into the image. \
                  With several sources the destination must end with `/`.",
        flags: &[
            ("from", "copies from a build stage (by name or index) or an image instead of the build context."),
            ("chown", "the owner of the copied files, `user[:group]`."),
            ("chmod", "the permissions of the copied files, octal (`755`) or symbolic."),
            ("link", "copies into an independent layer, so the layer is reused even when earlier layers change."),
            ("parents", "keeps the parent directories of the sources."),
            ("exclude", "a pattern of source paths not to copy."),
        ],
    },
    InstructionDoc {
        keyword: Keyword::Entrypoint,
        syntax: "ENTRYPOINT [\"executable\", \"arg\", …]\nENTRYPOINT command arg …",
        summary: "The program a container runs; CMD supplies its default arguments. Use the exec (JSON) \
                  form, so the program is PID 1 and receives signals.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Volume,
        syntax: "VOLUME [\"/path\", …]\nVOLUME /path …",
        summary: "Declares mount points for external volumes. Changes a later RUN makes inside a volume \
                  are discarded.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::User,
        syntax: "USER <user>[:<group>]\nUSER <uid>[:<gid>]",
        summary: "The user (and group) for the following RUN, CMD and ENTRYPOINT, and for the container. \
                  Images that do not need root should end with a non-root USER.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Workdir,
        syntax: "WORKDIR /path",
        summary: "The working directory for the following instructions and the container; created when \
                  missing. Prefer absolute paths.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Arg,
        syntax: "ARG <name>[=<default value>] …",
        summary: "Declares a build argument, set with `--build-arg`. Before the first FROM it can be used \
                  in FROM lines; inside a stage it must be declared (again) to be visible. Build \
                  arguments are visible in the image's history: never use them for secrets.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Onbuild,
        syntax: "ONBUILD <instruction>",
        summary: "Registers an instruction that runs when another Dockerfile builds FROM this image.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Stopsignal,
        syntax: "STOPSIGNAL <signal>",
        summary: "The signal sent to the container to stop it, by name (`SIGTERM`) or number.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Healthcheck,
        syntax: "HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--retries=…] CMD <command>\nHEALTHCHECK NONE",
        summary: "How to test that the container still works; `NONE` disables a check inherited from the \
                  base image.",
        flags: &[
            ("interval", "time between checks (default `30s`)."),
            ("timeout", "time after which a check counts as failed (default `30s`)."),
            ("start-period", "time for the container to start, during which failures do not count (default `0s`)."),
            ("start-interval", "time between checks during the start period (default `5s`)."),
            ("retries", "consecutive failures before the container is unhealthy (default `3`)."),
        ],
    },
    InstructionDoc {
        keyword: Keyword::Shell,
        syntax: "SHELL [\"executable\", \"arg\", …]",
        summary: "The shell that runs the shell form of RUN, CMD and ENTRYPOINT, e.g. \
                  `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`.",
        flags: &[],
    },
    InstructionDoc {
        keyword: Keyword::Maintainer,
        syntax: "MAINTAINER <name>",
        summary: "Deprecated: sets the image's author field. Use \
                  `LABEL org.opencontainers.image.authors=\"…\"` instead.",
        flags: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_parser::flags_of;

    #[test]
    fn every_instruction_and_flag_is_documented() {
        for keyword in Keyword::ALL {
            let Some(doc) = instruction_doc(keyword) else {
                panic!("{keyword:?} has no documentation");
            };
            for flag in flags_of(keyword) {
                assert!(
                    doc.flag(flag).is_some(),
                    "--{flag} of {keyword:?} has no documentation"
                );
            }
            assert_eq!(doc.flags.len(), flags_of(keyword).len(), "{keyword:?}");
        }
    }
}
