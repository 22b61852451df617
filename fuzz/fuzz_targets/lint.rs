//! The `lint` target: see [`plimsoll_fuzz::check_lint`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| plimsoll_fuzz::check_lint(data));
