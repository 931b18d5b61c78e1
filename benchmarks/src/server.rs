//! `bench serve`: the embedded DynamoDB engine served in a process of its own, so the benchmark
//! process's CPU time is the client's alone. Prints `listening <url>` once ready; stops when stdin
//! closes.

use std::io::BufRead;

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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!("listening http://{address}");
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
