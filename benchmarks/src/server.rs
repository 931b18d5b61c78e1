//! `bench serve`: the embedded DynamoDB engine served in a process of its own, so the benchmark
//! process's CPU time is the client's alone, and in front of it a proxy that holds each answer
//! for a fixed time, as a network round trip to a region would (the engine answers in
//! microseconds). Prints `listening <url> <delayed url>` once ready; stops when stdin closes.

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy adds to every request's round trip.
pub const DELAY: Duration = Duration::from_millis(5);

pub fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("no runtime: {e}");
            std::process::exit(1);
        }
    };
    let result: Result<(), String> = runtime.block_on(async {
        let db = dynoxide::Database::memory().map_err(|e| e.to_string())?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let proxy = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let delayed = proxy.local_addr().map_err(|e| e.to_string())?;
        println!("listening http://{address} http://{delayed}");
        tokio::spawn(async move {
            while let Ok((client, _)) = proxy.accept().await {
                tokio::spawn(delay_connection(client, address));
            }
        });
        let stop = async {
            // Stdin closing (the parent exiting) stops the server.
            let _ = tokio::task::spawn_blocking(|| {
                let stdin = std::io::stdin();
                for _ in stdin.lock().lines() {}
            })
            .await;
        };
        dynoxide::server::serve_with_shutdown(listener, db, stop).await
    });
    if let Err(e) = result {
        eprintln!("server failed: {e}");
        std::process::exit(1);
    }
}

/// Forwards one client connection to the engine. Requests pass at once; the first bytes of the
/// answer to each request wait [`DELAY`] (the client sends one request at a time on a
/// connection, so that is one delay per request).
async fn delay_connection(client: TcpStream, server: std::net::SocketAddr) {
    let Ok(upstream) = TcpStream::connect(server).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = upstream.into_split();
    let asked = Arc::new(AtomicBool::new(false));
    let asking = asked.clone();
    let requests = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    asking.store(true, Ordering::SeqCst);
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = server_write.shutdown().await;
    };
    let answers = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if asked.swap(false, Ordering::SeqCst) {
                        tokio::time::sleep(DELAY).await;
                    }
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(requests, answers);
}
