//! Syntax errors found while parsing.

use crate::text::TextRange;
use serde::Serialize;

/// A syntax error: something BuildKit would refuse to build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyntaxDiagnostic {
    /// The kind of error.
    pub code: SyntaxCode,
    /// The message, worded as BuildKit words it (without BuildKit's
    /// `dockerfile parse error on line N:` prefix).
    pub message: String,
    /// Where the error is.
    pub range: TextRange,
}

impl SyntaxDiagnostic {
    /// A diagnostic of kind `code` at `range`.
    pub fn new(code: SyntaxCode, range: TextRange, message: impl Into<String>) -> Self {
        SyntaxDiagnostic {
            code,
            message: message.into(),
            range,
        }
    }
}

macro_rules! syntax_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $name:literal;)*) => {
        /// The kinds of syntax error. Each has a stable `PL1xx` code and a kebab-case name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SyntaxCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl SyntaxCode {
            /// Every syntax code, in code order.
            pub const ALL: &'static [SyntaxCode] = &[$(SyntaxCode::$variant,)*];

            /// The stable code, e.g. `PL101`.
            pub fn code(self) -> &'static str {
                match self { $(SyntaxCode::$variant => $code,)* }
            }

            /// The kebab-case name, e.g. `invalid-parser-directive`.
            pub fn name(self) -> &'static str {
                match self { $(SyntaxCode::$variant => $name,)* }
            }

            /// One-line description of the error kind.
            pub fn summary(self) -> &'static str {
                match self { $(SyntaxCode::$variant => concat!($($doc),*).trim_ascii(),)* }
            }
        }

        impl serde::Serialize for SyntaxCode {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }
    };
}

syntax_codes! {
    /// The file is not valid UTF-8.
    InvalidUtf8 = "PL100", "invalid-utf8";
    /// A parser directive is repeated or has an invalid value.
    InvalidDirective = "PL101", "invalid-parser-directive";
    /// The file has no instruction at all.
    NoInstructions = "PL102", "no-instructions";
    /// A physical line is longer than BuildKit's 64 KiB line limit.
    LineTooLong = "PL103", "line-too-long";
    /// A here-document is not terminated before the end of the file.
    UnterminatedHeredoc = "PL104", "unterminated-heredoc";
    /// An exec-form JSON array contains something other than strings.
    InvalidJsonArray = "PL105", "invalid-json-array";
    /// The instruction is not one BuildKit knows.
    UnknownInstruction = "PL106", "unknown-instruction";
    /// The instruction has too few or too many arguments.
    WrongArgumentCount = "PL107", "wrong-argument-count";
    /// A `key=value` argument is malformed.
    InvalidKeyValue = "PL108", "invalid-key-value";
    /// A flag is unknown, repeated, misses its value or has an invalid value.
    InvalidFlag = "PL109", "invalid-flag";
    /// A build stage name is invalid.
    InvalidStageName = "PL110", "invalid-stage-name";
    /// An instruction other than ARG comes before the first FROM.
    NoBuildStage = "PL111", "instruction-before-from";
    /// ONBUILD is chained or triggers FROM/MAINTAINER.
    InvalidOnbuild = "PL112", "invalid-onbuild";
    /// HEALTHCHECK has an invalid type or option.
    InvalidHealthcheck = "PL113", "invalid-healthcheck";
    /// An argument has an invalid value (for example a heredoc as COPY destination).
    InvalidArgument = "PL114", "invalid-argument";
}
