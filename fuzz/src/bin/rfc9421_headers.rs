fn main() {
    afl::fuzz!(|data: &[u8]| {
        plenum_fuzz::rfc9421_headers(data);
    });
}
