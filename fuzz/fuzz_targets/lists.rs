#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iotmark_fuzz::targets::lists(data));
