#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iotmark_fuzz::labels_targets::spec_toml(data));
