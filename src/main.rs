// mimalloc: the pipeline allocates many small, short-lived vectors per notice on
// every worker thread; glibc's malloc spent ~15% of a corpus run in its arenas and
// their locks, mimalloc's thread-local free lists about a third of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(disclint::cli::main());
}
