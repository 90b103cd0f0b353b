fn main() {
    afl::fuzz!(|data: &[u8]| {
        plenum_fuzz::activity_json(data);
    });
}
