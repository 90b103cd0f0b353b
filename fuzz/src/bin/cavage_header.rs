fn main() {
    afl::fuzz!(|data: &[u8]| {
        plenum_fuzz::cavage_header(data);
    });
}
