//! A second thread for large look-ups: half of the exact segments are searched there while
//! the asking thread searches the other half.
//!
//! The thread is started on first use and lives as long as the [`Helper`]. A thread started
//! per query cost more than the work it took over: the start itself, and fresh memory pages
//! for its allocator to fault in and zero every time, where a thread that stays reuses its
//! own. When several threads search at once (a batch, a server), a query whose helper is busy
//! with another's half runs both halves itself rather than wait in line.

use std::sync::atomic::{AtomicBool, Ordering};

use std::sync::{Arc, OnceLock};

use crossbeam_channel::{bounded, unbounded, Sender};

use crate::index::exact::ExactIndex;
use crate::{Error, Result};

type Job = Box<dyn FnOnce(&ExactIndex) + Send>;

/// The second thread of an open index.
pub(crate) struct Helper {
    exact: Arc<ExactIndex>,
    /// Where jobs go; `None` when the thread could not be started.
    jobs: OnceLock<Option<Sender<Job>>>,
    /// Whether the thread has a job (taken by the caller that hands it one).
    busy: Arc<AtomicBool>,
}

impl Helper {
    /// A helper for `exact`; its thread starts with the first job.
    pub fn new(exact: Arc<ExactIndex>) -> Helper {
        Helper {
            exact,
            jobs: OnceLock::new(),
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Runs `theirs` on the helper thread and `mine` on this one, and returns both results.
    /// Without a helper thread, or while it works for another caller, both run here.
    pub fn join<A, B>(
        &self,
        theirs: impl FnOnce(&ExactIndex) -> A + Send + 'static,
        mine: impl FnOnce() -> B,
    ) -> Result<(B, A)>
    where
        A: Send + 'static,
    {
        let idle = || {
            (self.busy)
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        };
        let jobs = match self.jobs.get_or_init(|| self.start()) {
            Some(jobs) if idle() => jobs,
            _ => {
                let b = mine();
                return Ok((b, theirs(&self.exact)));
            }
        };
        let (reply, answer) = bounded(1);
        let busy = Arc::clone(&self.busy);
        let job: Job = Box::new(move |exact| {
            let a = theirs(exact);
            busy.store(false, Ordering::Release);
            let _ = reply.send(a);
        });
        if let Err(unsent) = jobs.send(job) {
            // The thread is gone: its share runs here.
            let b = mine();
            (unsent.into_inner())(&self.exact);
            let a = answer
                .recv()
                .map_err(|_| Error::Other("a search look-up failed".into()))?;
            return Ok((b, a));
        }
        let b = mine();
        let a = answer
            .recv()
            .map_err(|_| Error::Other("the search helper thread failed".into()))?;
        Ok((b, a))
    }

    fn start(&self) -> Option<Sender<Job>> {
        let (jobs, inbox) = unbounded::<Job>();
        let exact = Arc::clone(&self.exact);
        let busy = Arc::clone(&self.busy);
        std::thread::Builder::new()
            .name("zhengce-search".into())
            .spawn(move || {
                for job in inbox {
                    // A job that panics drops its reply, which its caller reports as an
                    // error; the thread stays for the next.
                    let done =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&exact)));
                    if done.is_err() {
                        busy.store(false, Ordering::Release);
                    }
                }
            })
            .ok()?;
        Some(jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_run_and_the_helper_is_not_this_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exact = Arc::new(ExactIndex::open(dir.path(), 0).expect("an empty exact index"));
        let helper = Helper::new(exact);
        let here = std::thread::current().id();
        for round in 0..3u64 {
            let (mine, theirs) = helper
                .join(
                    move |exact| (std::thread::current().id(), exact.paragraphs() + round),
                    || round * 2,
                )
                .expect("join");
            assert_eq!(mine, round * 2);
            assert_ne!(theirs.0, here);
            assert_eq!(theirs.1, round);
        }
    }

    #[test]
    fn a_caller_whose_helper_is_busy_runs_both_halves_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exact = Arc::new(ExactIndex::open(dir.path(), 0).expect("an empty exact index"));
        let helper = Arc::new(Helper::new(exact));
        let (started, go) = crossbeam_channel::bounded::<()>(0);
        let first = {
            let helper = Arc::clone(&helper);
            std::thread::spawn(move || {
                helper.join(
                    move |_| {
                        started.send(()).expect("the test waits");
                        std::thread::sleep(std::time::Duration::from_millis(200));
                        std::thread::current().id()
                    },
                    || (),
                )
            })
        };
        go.recv().expect("the first job started");
        let here = std::thread::current().id();
        let (_, theirs) = helper
            .join(move |_| std::thread::current().id(), || ())
            .expect("join");
        assert_eq!(theirs, here, "ran here, not queued behind the busy helper");
        let (_, on_helper) = first.join().expect("first caller").expect("join");
        assert_ne!(on_helper, here);
    }

    #[test]
    fn a_failed_job_is_an_error_and_the_helper_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exact = Arc::new(ExactIndex::open(dir.path(), 0).expect("an empty exact index"));
        let helper = Helper::new(exact);
        let failed = helper.join(|_| -> u32 { panic!("a damaged look-up") }, || 1);
        assert!(failed.is_err());
        let (mine, theirs) = helper.join(|_| 7u32, || 1).expect("join after a failure");
        assert_eq!((mine, theirs), (1, 7));
    }
}
