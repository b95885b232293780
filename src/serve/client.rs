//! A small blocking HTTP/1.1 client for the server's own load test and integration tests (and
//! the browser test's WebDriver calls): GET, and requests with a JSON body, over one
//! kept-alive connection, the request target sent exactly as given (so a
//! test can send `/doc/../../etc/passwd` without a client tidying it), bodies read by
//! `Content-Length` or chunked. It is not a general client: no TLS, no redirects, no proxies.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The most bytes of a response body read: the server's pages are far smaller.
const MAX_BODY: usize = 64 << 20;

/// One answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A connection to a server, kept alive between requests.
pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    timeout: Duration,
}

impl Client {
    /// A client of the server at `addr`; it connects on the first request. Every read and
    /// write waits at most `timeout`.
    pub fn new(addr: SocketAddr, timeout: Duration) -> Client {
        Client {
            addr,
            conn: None,
            timeout,
        }
    }

    /// `GET target` (a path with its query string, sent as given).
    pub fn get(&mut self, target: &str) -> io::Result<Response> {
        self.request("GET", target, &[])
    }

    /// Sends one request and reads its answer. A kept-alive connection the server closed in
    /// the meantime is opened again once.
    pub fn request(&mut self, method: &str, target: &str, body: &[u8]) -> io::Result<Response> {
        let fresh = self.conn.is_none();
        match self.try_request(method, target, body) {
            Ok(r) => Ok(r),
            Err(_) if !fresh => {
                self.conn = None;
                self.try_request(method, target, body)
            }
            Err(e) => Err(e),
        }
    }

    fn try_request(&mut self, method: &str, target: &str, body: &[u8]) -> io::Result<Response> {
        if self.conn.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
            stream.set_read_timeout(Some(self.timeout))?;
            stream.set_write_timeout(Some(self.timeout))?;
            stream.set_nodelay(true)?;
            self.conn = Some(BufReader::new(stream));
        }
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| io::Error::other("no connection"))?;
        let content_type = match body.is_empty() {
            true => "",
            false => "Content-Type: application/json\r\n",
        };
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\n{content_type}Content-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        let stream = conn.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let response = read_response(conn, method == "HEAD");
        match &response {
            Ok(r) if r.header("connection") == Some("close") => self.conn = None,
            Ok(_) => {}
            Err(_) => self.conn = None,
        }
        response
    }
}

/// Reads one response from `r`.
fn read_response(r: &mut impl BufRead, head_only: bool) -> io::Result<Response> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    let status = (line.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (name, value) = l.split_once(':').ok_or_else(|| bad("a bad header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let find = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if head_only || status == 204 || status == 304 {
    } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad("a bad chunk size"))?;
            if size == 0 {
                line.clear();
                r.read_line(&mut line)?;
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err(bad("the body is too large"));
            }
            let at = body.len();
            body.resize(at + size, 0);
            r.read_exact(&mut body[at..])?;
            line.clear();
            r.read_line(&mut line)?;
        }
    } else if let Some(len) = find("content-length") {
        let len: usize = len.parse().map_err(|_| bad("a bad content length"))?;
        if len > MAX_BODY {
            return Err(bad("the body is too large"));
        }
        body.resize(len, 0);
        r.read_exact(&mut body)?;
    } else {
        r.take(MAX_BODY as u64).read_to_end(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sized_and_chunked_bodies() {
        let sized = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloNEXT";
        let r = read_response(&mut &sized[..], false).unwrap();
        assert_eq!((r.status, r.text().as_str()), (200, "hello"));
        assert_eq!(r.header("x-a"), Some("b"));
        let chunked =
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let r = read_response(&mut &chunked[..], false).unwrap();
        assert_eq!((r.status, r.text().as_str()), (404, "abcde"));
        assert!(read_response(&mut &b"garbage\r\n\r\n"[..], false).is_err());
    }
}
