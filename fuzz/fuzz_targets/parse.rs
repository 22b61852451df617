//! The `parse` target: see [`plimsoll_fuzz::check_parse`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| plimsoll_fuzz::check_parse(data));
