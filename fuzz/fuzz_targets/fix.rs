//! The `fix` target: see [`plimsoll_fuzz::check_fixes`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| plimsoll_fuzz::check_fixes(data));
