//! `zhengce serve [--index DIR] [--bind ADDR:PORT]`: the local web page and JSON API
//! ([`zhengce::serve`]). Binds the loopback address unless told otherwise (then warns that
//! the page has no login), prints the URL and answers until stopped. When the default index
//! does not exist yet, it is built from the default corpus first, as `search` does.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use zhengce::serve::{Limits, Server};

/// The address served unless `--bind` says otherwise: loopback only.
const DEFAULT_BIND: &str = "127.0.0.1:8023";

/// Arguments of `zhengce serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The index folder.
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Address and port to listen on (port 0: any free port). Anything but a loopback
    /// address lets other machines read every indexed document: the page has no login.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_BIND)]
    bind: SocketAddr,
    /// An answer that has taken this many milliseconds gives way to shorter ones (Linux;
    /// 0: never): under load, one long search does not keep the others waiting.
    #[arg(long, value_name = "MS", default_value_t = zhengce::serve::GIVE_WAY_AFTER_MS)]
    give_way_after: u64,
}

/// Runs `zhengce serve`.
pub fn run(a: ServeArgs) -> anyhow::Result<super::Exit> {
    super::search::ensure_default_index(&a.index)?;
    let limits = Limits::giving_way_after(a.give_way_after);
    let server = Server::bind(&a.index, a.bind, limits)?;
    let addr = server.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "zhengce: warning: serving on {addr}, which other machines can reach: the page has \
             no login, so anyone who reaches it can search and read every indexed document"
        );
    }
    if let Some(e) = server.index_error() {
        eprintln!(
            "zhengce: {e}\nzhengce: serving anyway: the page says so until the index can be opened"
        );
    }
    let shown = match addr.ip().is_unspecified() {
        true => SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port()),
        false => addr,
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "zhengce: serving {} at http://{shown}/ (Ctrl-C stops)",
        a.index.display()
    )?;
    out.flush()?;
    drop(out);
    server.run()?;
    Ok(super::Exit::Success)
}
