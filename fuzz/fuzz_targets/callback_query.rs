//! Fuzzes `keyway::fuzzing::callback_query`: the body and its property checks live in the core, so
//! `tests/fuzz_corpus.rs` replays this target's corpus with the same checks on stable.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| keyway::fuzzing::callback_query(data));
