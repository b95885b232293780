//! `zhengce serve`: a local web page and JSON API over one index, for people who do not use
//! a terminal, built on the same library as the command line: one [`crate::search::Searcher`]
//! shared by every request ([`state`], replaced when `zhengce index` commits), the same
//! search options ([`params`] mirrors the flags of `zhengce search`), the same printers (the
//! API's JSON is [`crate::output::json`]'s, the page's hits [`crate::output::html`]'s, with
//! the words of [`crate::output::human`]).
//!
//! Inside: [`routes`] (the routes and their handlers), [`pages`] (the HTML, with maud),
//! [`state`] (the shared searcher), [`params`] (the URL's parameters), [`client`] (a small
//! HTTP client for the load test and the tests) and [`load`] (the load test). The server is
//! hyper's HTTP/1.1 connection on tokio with axum's router; this module owns the accept loop,
//! so the limits are explicit ([`Limits`]): a connection limit, a time limit on reading a
//! request's head (a client that sends nothing is dropped), on each connection's life and on
//! building each answer, and a bound on the request head's size.
//!
//! It serves only `GET`; nothing it does writes to the index. It does not print: the caller
//! says where it listens.

pub mod answerers;
pub mod client;
pub mod load;
mod pages;
pub mod params;
mod routes;
mod state;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{oneshot, Semaphore};

pub use routes::doc_path;
pub use state::IndexState;

use crate::{Error, Result};

/// How many milliseconds an answer runs before it gives way to shorter ones, unless told
/// otherwise ([`Limits::demote_after`]). Measured with the load test's mix on 2 cores: at 16,
/// the phrases' median was 2.5 ms; at 8, 1.8 ms with their p99 unchanged (13-16 ms); at 4,
/// phrases that are merely slowed by the others were demoted too, and their p99 rose to
/// 42-53 ms (`docs/PERFORMANCE.md`).
pub const GIVE_WAY_AFTER_MS: u64 = 8;

/// The bounds that keep slow or hostile clients from holding the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once; more wait in the listen queue.
    pub connections: usize,
    /// How long a client may take to send a request's head (also the idle time allowed
    /// between two requests of a kept-alive connection).
    pub header_timeout: Duration,
    /// The longest a connection lives, whatever it does.
    pub connection_life: Duration,
    /// How long building one answer may take before the client gets a `503`.
    pub request_timeout: Duration,
    /// Answers built at once at the normal priority ([`answerers::Lanes::threads`]).
    pub concurrent_answers: usize,
    /// An answer running this long gives way to shorter ones
    /// ([`answerers::Lanes::demote_after`]).
    pub demote_after: Duration,
    /// The most answers given way at once ([`answerers::Lanes::max_demoted`]).
    pub max_demoted: usize,
    /// Threads of the runtime that accepts and reads requests.
    pub io_threads: usize,
    /// The most bytes of a request's head (its path, query and headers).
    pub max_head_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            connections: 256,
            header_timeout: Duration::from_secs(10),
            connection_life: Duration::from_secs(600),
            request_timeout: Duration::from_secs(20),
            concurrent_answers: cores * 2,
            demote_after: Duration::from_millis(GIVE_WAY_AFTER_MS),
            max_demoted: 64,
            io_threads: cores.clamp(1, 4),
            max_head_bytes: 64 * 1024,
        }
    }
}

impl Limits {
    /// The default limits, with answers giving way after `ms` milliseconds (0: never).
    pub fn giving_way_after(ms: u64) -> Limits {
        let d = Limits::default();
        Limits {
            demote_after: Duration::from_millis(ms),
            max_demoted: if ms == 0 { 0 } else { d.max_demoted },
            ..d
        }
    }
}

/// A bound server, not yet answering.
pub struct Server {
    listener: TcpListener,
    app: Arc<routes::App>,
    limits: Limits,
}

/// A server answering on a thread of its own (for the load test): stopped when dropped.
pub struct Running {
    addr: SocketAddr,
    app: Arc<routes::App>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Running {
    /// The address it answers on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers that gave way to shorter ones since it started ([`answerers`]).
    pub fn demotions(&self) -> u64 {
        self.app.answerers.demotions()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Server {
    /// Binds `addr` (port 0: any free port) to serve the index in `index`, which is opened
    /// now; an index that cannot be opened is shown on the pages until a commit fixes it.
    pub fn bind(index: &Path, addr: SocketAddr, limits: Limits) -> Result<Server> {
        let listener = TcpListener::bind(addr)
            .map_err(|e| Error::Other(format!("cannot listen on {addr}: {e}")))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::Other(format!("cannot listen on {addr}: {e}")))?;
        let app = Arc::new(routes::App {
            state: IndexState::open(index),
            answerers: answerers::Answerers::start(answerers::Lanes {
                threads: limits.concurrent_answers.max(1),
                demote_after: limits.demote_after,
                max_demoted: limits.max_demoted,
            }),
            request_timeout: limits.request_timeout,
        });
        Ok(Server {
            listener,
            app,
            limits,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::Other(format!("the listening socket has no address: {e}")))
    }

    /// Why the index cannot be searched now, if it cannot.
    pub fn index_error(&self) -> Option<String> {
        self.app.state.searcher().err().map(|e| e.to_string())
    }

    /// Answers requests until the process ends.
    pub fn run(self) -> Result<()> {
        let (_keep, stop) = oneshot::channel();
        self.run_until(stop)
    }

    /// Answers requests on a thread of its own until the returned value is dropped.
    pub fn spawn(self) -> Result<Running> {
        let addr = self.local_addr()?;
        let app = Arc::clone(&self.app);
        let (tx, rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("zhengce-serve".into())
            .spawn(move || self.run_until(rx))
            .map_err(|e| Error::Other(format!("cannot start the server thread: {e}")))?;
        Ok(Running {
            addr,
            app,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    fn run_until(self, stop: oneshot::Receiver<()>) -> Result<()> {
        let limits = self.limits;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(limits.io_threads.max(1))
            .thread_name("zhengce-serve")
            .enable_all()
            .build()
            .map_err(|e| Error::Other(format!("cannot start the server's runtime: {e}")))?;
        runtime.block_on(accept_loop(self.listener, self.app, limits, stop))
    }
}

/// Accepts connections while fewer than `limits.connections` are open, serving each on a
/// task of its own within the limits, until `stop` fires (or its sender is dropped by a
/// [`Running`]; [`Server::run`] keeps its sender).
async fn accept_loop(
    listener: TcpListener,
    app: Arc<routes::App>,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| Error::Other(format!("cannot listen: {e}")))?;
    let router = routes::router(app);
    let open = Arc::new(Semaphore::new(limits.connections.max(1)));
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&open).acquire_owned() => p,
            _ = &mut stop => return Ok(()),
        };
        let Ok(permit) = permit else {
            return Ok(());
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it was accepted:
                // wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.max_head_bytes.max(8192))
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(limits.connection_life, conn).await;
            drop(permit);
        });
    }
}
