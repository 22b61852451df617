use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::parse_platform;
use crate::rules::helpers::buildkit_env::PLATFORM_ARGS;
use crate::rules::helpers::expansion::expand_word;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=…` with a fixed platform (`linux/amd64`), also when it
    /// comes from an ARG default. A platform that uses BuildKit's automatic platform ARGs
    /// (`$BUILDPLATFORM`, `$TARGETPLATFORM`, `$TARGETOS/$TARGETARCH`, …) is not reported,
    /// nor one given by an ARG without a default (set at build time), nor a stage whose name
    /// says which platform it is for (`AS build-arm64`), as in the multi-platform pattern
    /// `FROM build-${TARGETARCH}`.
    ///
    /// ## Why
    /// A fixed `--platform` builds that stage for one platform whatever the build asks
    /// for: `docker buildx build --platform linux/arm64,linux/amd64` then produces an arm64
    /// image with amd64 binaries in it, or an emulated, slow build. Let the build choose
    /// the platform, and use `$BUILDPLATFORM` for a stage that cross-compiles on the
    /// builder's own platform.
    ///
    /// Unlike hadolint, every automatic platform ARG is accepted (not only
    /// `BUILDPLATFORM` and `TARGETPLATFORM`), ARG defaults are expanded, and platform-named
    /// stages are accepted as BuildKit's `FromPlatformFlagConstDisallowed` accepts them.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ARG TARGETOS TARGETARCH
    /// RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    /// ```
    ///
    /// ## Fix
    /// None: removing the flag changes what the stage is built for.
    pub struct FromPlatformFlag {
        code: "DL3029",
        name: "from-platform-flag",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for FromPlatformFlag {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let from = model.instruction(stage.from);
        let Some(flag) = from.flag("platform") else {
            return;
        };
        let Some(written) = flag.value.as_deref().filter(|v| !v.trim().is_empty()) else {
            return;
        };
        let automatic = |text: &str| PLATFORM_ARGS.iter().any(|(arg, _)| text.contains(arg));
        if automatic(written) {
            return;
        }
        let Some(value) = expand_word(model, stage.from, written) else {
            return;
        };
        if value.is_empty() || automatic(&value) {
            return;
        }
        let name = stage.name.as_deref().unwrap_or("").to_ascii_lowercase();
        let named_for_it = parse_platform(&value).is_some_and(|platform| {
            let variant = value.split('/').nth(2).unwrap_or("").to_ascii_lowercase();
            [platform.os, platform.architecture, variant]
                .iter()
                .any(|part| !part.is_empty() && name.contains(part.as_str()))
        });
        if named_for_it {
            return;
        }
        let message = if written == value {
            format!(
                "Do not use --platform flag with FROM: `{value}` builds this stage for one \
                 platform, whatever platform the build is for"
            )
        } else {
            format!(
                "Do not use --platform flag with FROM: `{written}` is `{value}`, which builds \
                 this stage for one platform, whatever platform the build is for"
            )
        };
        checker.report(flag.range, message);
    }
}
