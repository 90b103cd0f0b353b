// The migrations are embedded at compile time (`embed_migrations!`): a new migration folder must
// rebuild the binary, which cargo does not notice on its own.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
