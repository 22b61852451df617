//! The `line_index` target: see [`plimsoll_fuzz::check_line_index`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| plimsoll_fuzz::check_line_index(data));
