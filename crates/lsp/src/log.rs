//! The server's log, on standard error (editors show it in their language-server log).
//! `PLIMSOLL_LOG=error|warn|info|debug` sets how much is written; `info` by default.

use std::fmt;
use std::sync::OnceLock;

/// How important a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something is wrong but the server goes on.
    Warn,
    /// What the server is doing.
    Info,
    /// Details, such as how long each lint took.
    Debug,
}

impl Level {
    fn from_env() -> Level {
        match std::env::var("PLIMSOLL_LOG").as_deref().map(str::trim) {
            Ok("error") => Level::Error,
            Ok("warn" | "warning") => Level::Warn,
            Ok("debug" | "trace") => Level::Debug,
            _ => Level::Info,
        }
    }
}

/// Whether lines of `level` are written.
pub fn enabled(level: Level) -> bool {
    static MAX: OnceLock<Level> = OnceLock::new();
    level <= *MAX.get_or_init(Level::from_env)
}

/// Writes one log line.
pub fn write(level: Level, message: fmt::Arguments<'_>) {
    if enabled(level) {
        let name = match level {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        };
        eprintln!("[plimsoll {name}] {message}");
    }
}

/// Logs at a level: `log!(Info, "…", args)`.
#[macro_export]
macro_rules! log {
    ($level:ident, $($arg:tt)*) => {
        $crate::log::write($crate::log::Level::$level, format_args!($($arg)*))
    };
}
