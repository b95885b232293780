//! The `zhengce` command: parses the command line, runs the command, maps the outcome to an
//! exit code (0 found / done, 1 no hits, 2 error) and prints errors as `zhengce: …`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in mimalloc 3's option list): how many
/// milliseconds freed memory is kept before it goes back to the system (1,000 by default in
/// the version built here; -1: kept).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator keep freed memory for reuse. Indexing and searching free and allocate
/// large buffers over and over (a batch's texts and lists; a query's position lists and
/// hits), and memory given back to the system came back as fresh huge pages that the kernel
/// zeroed again, 2 MB at a time: indexing the real corpus took a median 16% longer (peak
/// memory 530-630 MB instead of 605-745 MB), word queries up to 18% more CPU.
///
/// The same holds for the C library's allocator, which zstd's C code uses: training a text
/// store's dictionary allocates some 10 MB of tables for every exact segment, and above
/// glibc's mmap threshold each allocation was a fresh mapping, zeroed page by page and
/// unmapped again. Keeping such blocks in the heap halved indexing's page faults (13,600 to
/// 7,500 over the real corpus, `perf stat -e page-faults`).
fn keep_freed_memory() {
    // SAFETY: sets one process-wide option of the allocator, which may be changed at any
    // time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Blocks up to 256 MB come from the heap, and the heap is not trimmed, so freed
        // blocks are reused. SAFETY: `mallopt` only sets options, before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
        }
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let args = cli::Cli::parse();
    // A damaged index file can make tantivy panic while reading it: turn that into an error
    // message that says what to do, not a panic trace.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| cli::run(args));
    match outcome {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(err)) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("zhengce: {err:#}");
            cli::Exit::Error.into()
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown failure");
            eprintln!(
                "zhengce: internal error ({what}); if the index folder was damaged, rebuild it \
                 with `zhengce index --full`"
            );
            cli::Exit::Error.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets allocator options.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(before, 1000, "mimalloc's purge delay defaults to 1,000 ms");
        keep_freed_memory();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, -1);
    }
}
