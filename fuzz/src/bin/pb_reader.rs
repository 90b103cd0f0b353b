fn main() {
    afl::fuzz!(|data: &[u8]| {
        plenum_fuzz::pb_reader(data);
    });
}
