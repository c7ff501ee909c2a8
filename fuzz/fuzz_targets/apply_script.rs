#![no_main]
// The body is tworg::fuzz::apply_script, replayed on the committed corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tworg::fuzz::apply_script(data));
