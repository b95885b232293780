//! The threads that build answers, and how a long answer gives way to short ones.
//!
//! A search costs from tens of microseconds (a rare phrase) to tens of milliseconds (two
//! common words over the whole corpus), and nobody can tell which before it runs. Taken in
//! turn, every answer waits behind the long ones ahead of it, so under load the short ones,
//! most of them, wait many times their own cost. Here each answer starts on one of a fixed
//! number of threads (the *lane*); an answer still running after [`Lanes::demote_after`]
//! has its thread's priority lowered to the least (`nice` 19, Linux) and a new thread takes
//! its place in the lane. The long answer goes on with what the short ones leave of the
//! processor (the kernel gives a `nice` 19 thread about 1/70 of a core that others want),
//! and its thread ends when it is done, so the lane's threads always run at the normal
//! priority. This is the multi-level feedback queue of operating systems with two levels: it
//! needs no estimate of an answer's cost, and ranks by the time already spent.
//!
//! Bounds: the lane's threads, and at most [`Lanes::max_demoted`] demoted answers at once;
//! past that, a long answer keeps its place in the lane (as without demotion). Elsewhere
//! than on Linux nothing is demoted and the lane is a plain pool.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// The sizes and the threshold of a pool of answering threads.
#[derive(Debug, Clone, Copy)]
pub struct Lanes {
    /// Threads answering at the normal priority.
    pub threads: usize,
    /// An answer running this long is demoted.
    pub demote_after: Duration,
    /// The most demoted answers at once.
    pub max_demoted: usize,
}

/// The `nice` value of a demoted answer's thread: the least priority.
const LEAST_PRIORITY: i32 = 19;

/// A job: builds an answer and sends it.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// The answering threads ([`Lanes`]); stopped when dropped (answers being built finish).
pub struct Answerers {
    jobs: Option<crossbeam_channel::Sender<Job>>,
    shared: Arc<Shared>,
}

/// What the threads and the watcher share.
struct Shared {
    lanes: Lanes,
    receiver: crossbeam_channel::Receiver<Job>,
    state: Mutex<State>,
    /// Wakes the watcher when an answer starts or the pool stops.
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// The answers being built: (thread's id, started, demoted).
    running: Vec<Running>,
    /// Demoted answers not yet done.
    demoted: usize,
    /// Answers demoted since the start (for the tests and the load test's report).
    demotions: u64,
    stopped: bool,
    next_id: u64,
}

struct Running {
    id: u64,
    /// The kernel's id of the thread (Linux), for its priority.
    tid: i64,
    started: Instant,
    demoted: bool,
}

/// Why an answer has none: its job panicked.
#[derive(Debug)]
pub struct Panicked;

impl Answerers {
    /// Starts `lanes.threads` threads (at least one) and, on Linux, the watcher that demotes
    /// long answers.
    pub fn start(lanes: Lanes) -> Answerers {
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        let shared = Arc::new(Shared {
            lanes,
            receiver: rx,
            state: Mutex::default(),
            wake: Condvar::new(),
        });
        for _ in 0..lanes.threads.max(1) {
            spawn_worker(&shared);
        }
        if cfg!(target_os = "linux") && lanes.max_demoted > 0 {
            let s = Arc::clone(&shared);
            let _ = std::thread::Builder::new()
                .name("zhengce-watch".into())
                .spawn(move || watch(&s));
        }
        Answerers {
            jobs: Some(tx),
            shared,
        }
    }

    /// Builds an answer with `f` on one of the threads; the receiver gets it, or
    /// [`Panicked`] if `f` panicked.
    pub fn answer<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> oneshot::Receiver<Result<R, Panicked>> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let r = catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked);
            let _ = tx.send(r);
        });
        if let Some(jobs) = &self.jobs {
            // The threads hold the receiver while the pool lives: sending cannot fail.
            let _ = jobs.send(job);
        }
        rx
    }

    /// Answers being built now.
    pub fn busy(&self) -> usize {
        self.shared.lock().running.len()
    }

    /// Answers demoted since the start.
    pub fn demotions(&self) -> u64 {
        self.shared.lock().demotions
    }
}

impl Drop for Answerers {
    fn drop(&mut self) {
        // The threads end once the queue is empty and closed; the watcher on `stopped`.
        self.jobs.take();
        self.shared.lock().stopped = true;
        self.shared.wake.notify_all();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Starts one answering thread; `false` if the system has none to give.
fn spawn_worker(shared: &Arc<Shared>) -> bool {
    let s = Arc::clone(shared);
    std::thread::Builder::new()
        .name("zhengce-answer".into())
        .spawn(move || work(&s))
        .is_ok()
}

/// An answering thread: takes jobs until the pool stops, or until one of its answers was
/// demoted (its place in the lane is another thread's by then).
fn work(shared: &Shared) {
    let tid = thread_id();
    while let Ok(job) = shared.receiver.recv() {
        let id = {
            let mut st = shared.lock();
            let id = st.next_id;
            st.next_id += 1;
            st.running.push(Running {
                id,
                tid,
                started: Instant::now(),
                demoted: false,
            });
            id
        };
        shared.wake.notify_one();
        job();
        let mut st = shared.lock();
        let Some(at) = st.running.iter().position(|r| r.id == id) else {
            continue;
        };
        if st.running.swap_remove(at).demoted {
            st.demoted -= 1;
            return;
        }
    }
}

/// The watcher: every half threshold while answers run, demotes those past the threshold.
fn watch(shared: &Arc<Shared>) {
    let after = shared.lanes.demote_after;
    let mut st = shared.lock();
    loop {
        if st.stopped {
            return;
        }
        if st.running.is_empty() {
            st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            continue;
        }
        let now = Instant::now();
        let max = shared.lanes.max_demoted;
        let State {
            running,
            demoted,
            demotions,
            ..
        } = &mut *st;
        for r in running.iter_mut().filter(|r| !r.demoted) {
            if now.duration_since(r.started) < after || *demoted >= max {
                continue;
            }
            // The new thread first: if the system has none to give, the long answer keeps
            // its place (its thread stays in the lane, whatever its priority now), so the
            // lane never loses a thread.
            if lower_priority(r.tid) && spawn_worker(shared) {
                r.demoted = true;
                *demoted += 1;
                *demotions += 1;
            }
        }
        st = (shared.wake.wait_timeout(st, after / 2))
            .map(|(g, _)| g)
            .unwrap_or_else(|e| e.into_inner().0);
    }
}

/// The calling thread's kernel id (0 where there is none to use).
fn thread_id() -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions and cannot fail.
        i64::from(unsafe { libc::gettid() })
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Gives thread `tid` the least priority; `false` if it could not.
fn lower_priority(tid: i64) -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority only reads its arguments; a thread that is gone is an error
        // (ESRCH), not undefined behaviour.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS as _, tid as libc::id_t, LEAST_PRIORITY) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = tid;
        false
    }
}

/// The `nice` value of the calling thread (Linux; 0 elsewhere).
#[cfg(test)]
fn own_nice() -> i32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getpriority only reads its arguments.
        unsafe { libc::getpriority(libc::PRIO_PROCESS as _, thread_id() as libc::id_t) }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn lanes(threads: usize, demote_after_ms: u64) -> Lanes {
        Lanes {
            threads,
            demote_after: Duration::from_millis(demote_after_ms),
            max_demoted: 8,
        }
    }

    #[test]
    fn answers_come_back_and_a_panic_is_reported() {
        let pool = Answerers::start(lanes(2, 10_000));
        let rx = pool.answer(|| 6 * 7);
        assert_eq!(rx.blocking_recv().unwrap().unwrap(), 42);
        let rx = pool.answer(|| -> u32 { panic!("a bug in one answer") });
        assert!(rx.blocking_recv().unwrap().is_err());
        // The thread that caught the panic still answers.
        let rx = pool.answer(|| "next");
        assert_eq!(rx.blocking_recv().unwrap().unwrap(), "next");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_long_answer_is_demoted_and_its_place_taken() {
        // One thread: without demotion, the second answer would wait for the first.
        let pool = Answerers::start(lanes(1, 5));
        let (go, wait) = mpsc::channel::<()>();
        let long = pool.answer(move || {
            let _ = wait.recv();
            own_nice()
        });
        // The second answer is built while the first still waits: the lane's thread is new.
        let short = pool.answer(own_nice);
        assert_eq!(short.blocking_recv().unwrap().unwrap(), 0);
        assert_eq!(pool.demotions(), 1);
        go.send(()).unwrap();
        assert_eq!(long.blocking_recv().unwrap().unwrap(), LEAST_PRIORITY);
        // The demoted thread ended; the lane's thread answers at the normal priority.
        let next = pool.answer(own_nice);
        assert_eq!(next.blocking_recv().unwrap().unwrap(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn past_the_bound_a_long_answer_keeps_its_place() {
        let pool = Answerers::start(Lanes {
            max_demoted: 0,
            ..lanes(1, 5)
        });
        let (go, wait) = mpsc::channel::<()>();
        let long = pool.answer(move || {
            let _ = wait.recv();
            own_nice()
        });
        let short = pool.answer(own_nice);
        std::thread::sleep(Duration::from_millis(50));
        // Still one thread, still busy with the long answer: the short one waits.
        assert_eq!(pool.busy(), 1);
        go.send(()).unwrap();
        assert_eq!(long.blocking_recv().unwrap().unwrap(), 0);
        assert_eq!(short.blocking_recv().unwrap().unwrap(), 0);
        assert_eq!(pool.demotions(), 0);
    }
}
