#![no_main]
// The body is tworg::fuzz::world_loader, replayed on the committed corpus by tests/fuzz_corpus.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tworg::fuzz::world_loader(data));
