//! The allocator settings of the `zhengce` process: freed memory is kept for reuse instead of
//! going back to the system.

/// mimalloc's `mi_option_purge_delay` (its place in mimalloc 3's option list): how many
/// milliseconds freed memory is kept before it goes back to the system (1,000 by default in
/// the version built here; -1: kept).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator keep freed memory for reuse. Indexing and searching free and allocate
/// large buffers over and over (a batch's texts and lists; a query's position lists and
/// hits), and memory given back to the system comes back as fresh huge pages that the kernel
/// zeroes again, 2 MB at a time (`docs/PERFORMANCE.md` has the figures).
///
/// The same holds for the C library's allocator, which zstd's C code uses: training a text
/// store's dictionary allocates some 10 MB of tables for every exact segment, and above
/// glibc's mmap threshold each allocation would be a fresh mapping, zeroed page by page and
/// unmapped again.
pub fn keep_freed_memory() {
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
