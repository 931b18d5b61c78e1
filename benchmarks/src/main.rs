//! Benchmarks: every workload in one process and one run, four ways: hand-written
//! `aws-sdk-dynamodb` code as an expert would write it ("raw"), the same code again (the A/A
//! control), `dynamo_table` ("ours"), and the seed crate `dynamo_table` 0.8.0 ("seed"). The
//! server runs in a separate process, so the CPU time measured here is the client's alone.
//!
//! ```text
//! cargo run --release -p benchmarks                                # everything, markdown on stdout
//! cargo run --release -p benchmarks -- --write docs/BENCHMARKS.md  # everything, into the docs
//! cargo run --release -p benchmarks -- quick                       # fewer repetitions
//! cargo run --release -p benchmarks -- quick get                   # only sections naming "get"
//! ```
//!
//! The same binary is the server (`bench serve`), started as a child process.

mod compile;
mod measure;
mod report;
mod server;
mod stats;
mod workloads;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use measure::Sample;
use report::{LatencyRun, Run, WorkloadRun};
use workloads::{Consumer, Ctx, Way};

/// The server process and its two addresses: direct, and through the delaying proxy.
fn server() -> (std::process::Child, String, String) {
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
    let mut words = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| fail(&format!("unexpected server output `{line}`")))
        .split(' ');
    match (words.next(), words.next()) {
        (Some(direct), Some(delayed)) => (child, direct.to_owned(), delayed.to_owned()),
        _ => fail(&format!("unexpected server output `{line}`")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(2)
}

/// The sections of a run beside the workloads, by the names `Options::wants` is asked.
const LATENCY: &str = "latency stream";
const CONVERSION: &str = "conversion";
const MEMORY: &str = "memory";
const COMPILE: &str = "compile";
const SECTIONS: [&str; 4] = [LATENCY, CONVERSION, MEMORY, COMPILE];

/// The options of a run.
struct Options {
    quick: bool,
    /// Only the workloads and sections whose name contains this.
    only: Option<String>,
    /// Where to write the markdown (stdout when `None`).
    write: Option<String>,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let mut options = Options {
            quick: false,
            only: None,
            write: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "quick" => options.quick = true,
                "--write" => {
                    options.write = Some(
                        args.next()
                            .cloned()
                            .unwrap_or_else(|| fail("--write needs a path")),
                    )
                }
                word => options.only = Some(word.to_owned()),
            }
        }
        if let Some(word) = &options.only {
            let sections = SECTIONS.iter().copied();
            let names: Vec<&str> = workloads::ALL
                .iter()
                .map(|w| w.name())
                .chain(sections)
                .collect();
            if !names.iter().any(|name| options.wants(name)) {
                fail(&format!(
                    "`{word}` names no benchmark: give `quick`, `--write <path>`, and at most one \
                     word found in one of: {}",
                    names.join(", ")
                ));
            }
        }
        options
    }

    /// True when `name` (a workload's or one of [`SECTIONS`]) is to run.
    fn wants(&self, name: &str) -> bool {
        self.only.as_ref().is_none_or(|w| name.contains(w.as_str()))
    }
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
        // A child run for one memory figure of each kind: `bench memory <workload> <n> <way>
        // <endpoint>`.
        let workload = args.get(1).cloned().unwrap_or_default();
        let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        let way = Way::parse(args.get(3).map(String::as_str).unwrap_or(""));
        let endpoint = args.get(4).cloned().unwrap_or_default();
        let anon = measure::AnonPeak::start();
        runtime.block_on(async move {
            let ctx = Ctx::connect(&endpoint).await;
            workloads::memory_child(&ctx, &workload, n, way).await;
        });
        println!("peak_rss_kib {}", measure::peak_rss_kib());
        println!("peak_anon_kib {}", anon.finish());
        return;
    }

    let options = Options::parse(&args);
    let reps = if options.quick { 5 } else { 15 };
    let latency_reps = if options.quick { 3 } else { 7 };
    // Conversion runs in memory, in a fraction of a second per repetition: more of them narrow
    // its intervals for little time.
    let conversion_reps = reps * 3;
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let (mut child, endpoint, delayed) = server();
    let mut run = Run {
        reps,
        machine: machine(),
        workloads: Vec::new(),
        latency: Vec::new(),
        latency_reps,
        conversion: Default::default(),
        memory: Vec::new(),
        memory_anon: Vec::new(),
        compile: None,
        notes: Vec::new(),
    };
    runtime.block_on(async {
        let ctx = Ctx::connect(&endpoint).await;
        ctx.load().await;
        for workload in workloads::ALL {
            if !options.wants(workload.name()) {
                continue;
            }
            eprintln!("{}", workload.name());
            let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); Way::ALL.len()];
            for rep in 0..workload.repetitions(reps) {
                let mut totals = vec![Sample::default(); Way::ALL.len()];
                for round in 0..workload.rounds() {
                    let mut order = Way::ALL;
                    rng.shuffle(&mut order);
                    for way in order {
                        let sample = workloads::run(&ctx, workload, way, rep, round).await;
                        totals[way as usize].add(sample);
                    }
                }
                for (way, total) in totals.into_iter().enumerate() {
                    samples[way].push(total);
                }
            }
            run.workloads.push(WorkloadRun {
                name: workload.name(),
                unit: workload.unit(),
                samples,
            });
        }
        if options.wants(LATENCY) {
            eprintln!("latency mode");
            let ctx = Ctx::connect(&delayed).await;
            for page in [100, 1000] {
                let items = 10_000;
                let mut seconds = vec![Vec::new(); Consumer::ALL.len()];
                for _ in 0..latency_reps {
                    let mut order = Consumer::ALL;
                    rng.shuffle(&mut order);
                    for consumer in order {
                        let started = std::time::Instant::now();
                        let seen = workloads::latency_stream(&ctx, consumer, page, items).await;
                        if seen != items {
                            fail(&format!("a latency stream saw {seen} of {items} items"));
                        }
                        seconds[consumer as usize].push(started.elapsed().as_secs_f64());
                    }
                }
                run.latency.push(LatencyRun {
                    page,
                    items,
                    seconds,
                });
            }
        }
        if options.wants(CONVERSION) {
            eprintln!("conversion");
            run.conversion = workloads::conversion(&ctx, conversion_reps, &mut rng);
        }
    });
    if options.wants(MEMORY) {
        eprintln!("memory");
        // Seven rounds give each ratio of memory a usable interval.
        let memory_reps = if options.quick { 3 } else { 7 };
        for (label, workload, n) in [
            ("stream 10,000 items", "stream", 10_000),
            ("stream 100,000 items", "stream", 100_000),
            // One call: the fixed part of a way's peak (its code, its runtime), without a batch.
            ("batch write 25 items (one call)", "batch_write", 25),
            ("batch write 100,000 items", "batch_write", 100_000),
            ("batch get 100,000 keys", "batch_get", 100_000),
        ] {
            // A child per figure, several per way in a shuffled order: one process's peak
            // varies by a few hundred KiB from run to run.
            let mut row: [Vec<u64>; 3] = Default::default();
            let mut anon_row: [Vec<u64>; 3] = Default::default();
            for _ in 0..memory_reps {
                let mut order = [Way::Raw, Way::Ours, Way::Seed];
                rng.shuffle(&mut order);
                for way in order {
                    let at = match way {
                        Way::Raw | Way::RawAgain => 0,
                        Way::Ours => 1,
                        Way::Seed => 2,
                    };
                    let (rss, anon) = memory_child(workload, n, way, &endpoint);
                    row[at].push(rss);
                    anon_row[at].push(anon);
                }
            }
            run.memory.push((label.to_owned(), row));
            run.memory_anon.push((label.to_owned(), anon_row));
        }
    }
    drop(child.stdin.take());
    let _ = child.wait();
    if options.wants(COMPILE) {
        eprintln!("compile cost");
        run.compile = Some(compile::measure(
            if options.quick { 2 } else { 5 },
            &mut rng,
        ));
    }
    run.notes = workloads::notes();
    let markdown = run.markdown(&mut rng);
    match &options.write {
        Some(path) => {
            if let Err(e) = std::fs::write(path, markdown) {
                fail(&format!("write {path}: {e}"));
            }
            eprintln!("wrote {path}");
        }
        None => println!("{markdown}"),
    }
}

/// Peak RSS and peak anonymous memory (KiB) of a child process running one workload one way.
fn memory_child(workload: &str, n: usize, way: Way, endpoint: &str) -> (u64, u64) {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(&e.to_string()));
    let out = Command::new(exe)
        .args(["memory", workload, &n.to_string(), way.name(), endpoint])
        .output()
        .unwrap_or_else(|e| fail(&format!("memory child: {e}")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let figure = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or_else(|| {
                fail(&format!(
                    "the memory child ({workload}, {}) printed no {name}: {}",
                    way.name(),
                    String::from_utf8_lossy(&out.stderr)
                ))
            })
    };
    (figure("peak_rss_kib "), figure("peak_anon_kib "))
}

/// The machine, the compiler and the date, for the report.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / (1024 * 1024));
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cores} cores ({cpu}), {memory} GiB, Linux, {}, release profile; run on {}, load \
         average at the start {}. The machine is shared with other work, which is what the \
         intervals and the A/A row measure.",
        output("rustc", &["--version"]),
        output("date", &["-u", "+%Y-%m-%d"]),
        load.split(' ').take(3).collect::<Vec<_>>().join(" "),
    )
}
