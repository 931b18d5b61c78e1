//! Client CPU time (all threads, from /proc), wall time, peak RSS, and the markdown report.

use std::fmt::Write;
use std::time::{Duration, Instant};

/// CPU time of every thread of this process, in nanoseconds (Linux: per-thread schedstat).
pub fn cpu_time() -> Duration {
    let mut total: u64 = 0;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let path = task.path().join("schedstat");
            if let Ok(text) = std::fs::read_to_string(path) {
                total += text
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    Duration::from_nanos(total)
}

/// Peak resident set size of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// One measured run of a workload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
    pub ops: u64,
}

impl Sample {
    pub fn cpu_per_op_us(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.ops.max(1) as f64
    }
    pub fn wall_per_op_us(&self) -> f64 {
        self.wall.as_secs_f64() * 1e6 / self.ops.max(1) as f64
    }
}

/// Measures `f` (which returns how many operations it did).
pub async fn measure<F: std::future::Future<Output = u64>>(f: F) -> Sample {
    let cpu = cpu_time();
    let wall = Instant::now();
    let ops = f.await;
    Sample {
        wall: wall.elapsed(),
        cpu: cpu_time().saturating_sub(cpu),
        ops,
    }
}

pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

#[derive(Default)]
pub struct Report {
    rows: String,
    conversion: String,
    memory: String,
}

const WAYS: [&str; 3] = ["raw SDK", "dynamo_table (ours)", "seed 0.8.0"];

impl Report {
    pub fn workload(&mut self, name: &str, unit: &str, samples: &[Vec<Sample>]) {
        let stat = |s: &[Sample], f: fn(&Sample) -> f64| {
            let mut v: Vec<f64> = s.iter().map(f).collect();
            let med = median(&mut v);
            let (lo, hi) = (
                v.first().copied().unwrap_or(0.0),
                v.last().copied().unwrap_or(0.0),
            );
            (med, lo, hi)
        };
        let raw_cpu = stat(&samples[0], Sample::cpu_per_op_us).0;
        let raw_wall = stat(&samples[0], Sample::wall_per_op_us).0;
        let _ = writeln!(self.rows, "\n### {name}\n");
        let _ = writeln!(
            self.rows,
            "| | client CPU µs/{unit} (median) | spread (min–max) | CPU vs raw | wall µs/{unit} | wall vs raw | {unit}s/s |"
        );
        let _ = writeln!(
            self.rows,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for (i, way) in WAYS.iter().enumerate() {
            let (cpu, lo, hi) = stat(&samples[i], Sample::cpu_per_op_us);
            let (wall, _, _) = stat(&samples[i], Sample::wall_per_op_us);
            // Two decimals below 10 µs, so per-item figures keep their precision.
            let p = if raw_cpu < 10.0 { 2 } else { 1 };
            let _ = writeln!(
                self.rows,
                "| {way} | {cpu:.p$} | {lo:.p$}–{hi:.p$} | {:.2}x | {wall:.p$} | {:.2}x | {:.0} |",
                cpu / raw_cpu.max(f64::MIN_POSITIVE),
                wall / raw_wall.max(f64::MIN_POSITIVE),
                1e6 / wall.max(f64::MIN_POSITIVE),
            );
        }
    }

    pub fn conversion(&mut self, rows: Vec<(String, f64, f64)>) {
        let _ = writeln!(
            self.conversion,
            "| conversion | encode ns/item | decode ns/item |"
        );
        let _ = writeln!(self.conversion, "| --- | ---: | ---: |");
        for (name, encode, decode) in rows {
            let _ = writeln!(self.conversion, "| {name} | {encode:.0} | {decode:.0} |");
        }
    }

    pub fn memory(&mut self, label: &str, kib: &[u64]) {
        if self.memory.is_empty() {
            let _ = writeln!(
                self.memory,
                "| peak RSS (MiB) | raw SDK | ours | seed 0.8.0 |"
            );
            let _ = writeln!(self.memory, "| --- | ---: | ---: | ---: |");
        }
        let mib = |k: u64| k as f64 / 1024.0;
        let _ = writeln!(
            self.memory,
            "| {label} | {:.1} | {:.1} | {:.1} |",
            mib(kib[0]),
            mib(kib[1]),
            mib(kib[2])
        );
    }

    pub fn markdown(&self, reps: usize) -> String {
        format!(
            "## Workloads ({reps} repetitions each, medians)\n{}\n## Item conversion\n\n{}\n## Memory\n\n{}",
            self.rows, self.conversion, self.memory
        )
    }
}
