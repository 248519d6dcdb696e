//! Prints the conformance vectors: `cargo run -p iotmark-tests --bin vectors > tests/vectors/labels.json`.
fn main() {
    print!("{}", iotmark_tests::vectors::generate());
}
