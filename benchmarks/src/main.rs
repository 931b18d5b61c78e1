//! Benchmarks: every workload three ways in one process and one run: hand-written
//! `aws-sdk-dynamodb` code as an expert would write it ("raw"), `dynamo_table` ("ours"), and the
//! seed crate `dynamo_table` 0.8.0 ("seed"). The server runs in a separate process
//! (`dynoxide_server`), so the CPU time measured here is the client's alone.
//!
//! ```text
//! cargo run --release -p benchmarks                 # everything, markdown on stdout
//! cargo run --release -p benchmarks -- quick        # 3 repetitions instead of 7
//! cargo run --release -p benchmarks -- quick get    # only workloads whose name has "get"
//! ```
//!
//! The same binary is the server (`bench serve`), started as a child process.

mod measure;
mod server;
mod workloads;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use measure::{Report, Sample};
use workloads::{Ctx, Way};

fn server() -> (std::process::Child, String) {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(&format!("current_exe: {e}")));
    let mut child = Command::new(&exe)
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            fail(&format!(
                "could not start the server process {}: {e}",
                exe.display()
            ))
        });
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| fail("server has no stdout"));
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| fail(&format!("server: {e}")));
    let endpoint = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| fail(&format!("unexpected server output `{line}`")))
        .to_owned();
    (child, endpoint)
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        server::main();
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("runtime: {e}")));

    if args.first().map(String::as_str) == Some("memory") {
        // A child run for one peak-RSS figure: `bench memory <workload> <n> <way> <endpoint>`.
        let workload = args.get(1).cloned().unwrap_or_default();
        let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        let way = Way::parse(args.get(3).map(String::as_str).unwrap_or(""));
        let endpoint = args.get(4).cloned().unwrap_or_default();
        runtime.block_on(async move {
            let ctx = Ctx::connect(&endpoint).await;
            workloads::memory_child(&ctx, &workload, n, way).await;
        });
        println!("peak_rss_kib {}", measure::peak_rss_kib());
        return;
    }

    let quick = args.first().map(String::as_str) == Some("quick");
    let reps = if quick { 3 } else { 7 };
    let (mut child, endpoint) = server();
    let mut report = Report::default();
    runtime.block_on(async {
        let ctx = Ctx::connect(&endpoint).await;
        ctx.load().await;
        // `bench quick <word>`: only the workloads whose name contains <word>.
        let only = args.get(1).cloned();
        for workload in workloads::ALL {
            if only
                .as_ref()
                .is_some_and(|w| !workload.name().contains(w.as_str()))
            {
                continue;
            }
            let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); 3];
            for rep in 0..reps {
                // Rotate the order so no way always runs first (or last) in a round.
                for k in 0..3 {
                    let way = Way::ALL[(rep + k) % 3];
                    let sample = workloads::run(&ctx, workload, way, rep).await;
                    samples[way as usize].push(sample);
                }
            }
            report.workload(workload.name(), workload.unit(), &samples);
        }
        report.conversion(workloads::conversion(&ctx, if quick { 3 } else { 7 }));
    });
    if args.get(1).is_some() {
        drop(child.stdin.take());
        let _ = child.wait();
        println!("{}", report.markdown(reps));
        return;
    }

    for (label, workload, n) in [
        ("stream 10,000 items", "stream", 10_000),
        ("stream 100,000 items", "stream", 100_000),
        ("batch write 100,000 items", "batch_write", 100_000),
    ] {
        let mut row = Vec::new();
        for way in Way::ALL {
            let exe = std::env::current_exe().unwrap_or_else(|e| fail(&e.to_string()));
            let out = Command::new(exe)
                .args(["memory", workload, &n.to_string(), way.name(), &endpoint])
                .output()
                .unwrap_or_else(|e| fail(&format!("memory child: {e}")));
            let text = String::from_utf8_lossy(&out.stdout);
            let kib = text
                .lines()
                .find_map(|l| l.strip_prefix("peak_rss_kib "))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0);
            row.push(kib);
        }
        report.memory(label, &row);
    }
    drop(child.stdin.take());
    let _ = child.wait();
    println!("{}", report.markdown(reps));
    let notes = workloads::notes();
    if !notes.is_empty() {
        println!("\n## Correctness notes\n");
        for note in notes {
            println!("- {note}");
        }
    }
}
