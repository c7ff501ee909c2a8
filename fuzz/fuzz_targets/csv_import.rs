#![no_main]
// The body is tworg::fuzz::csv_import, replayed on the committed corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tworg::fuzz::csv_import(data));
