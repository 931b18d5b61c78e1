//! What one run of a workload costs: the process's CPU time (every thread, the kernel's own
//! per-process clock), wall time, and peak memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::time::{ClockId, clock_gettime};

/// CPU time of this whole process so far (`CLOCK_PROCESS_CPUTIME_ID`): every thread, including
/// threads that ended, to the nanosecond, with no scheduler-tick lag.
pub fn cpu_time() -> Duration {
    clock(ClockId::CLOCK_PROCESS_CPUTIME_ID, "process")
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`): for work done on one thread, it
/// leaves out the time other processes on a shared machine hold the core.
pub fn thread_cpu_time() -> Duration {
    clock(ClockId::CLOCK_THREAD_CPUTIME_ID, "thread")
}

fn clock(id: ClockId, which: &str) -> Duration {
    match clock_gettime(id) {
        Ok(t) => Duration::new(
            u64::try_from(t.tv_sec()).unwrap_or(0),
            u32::try_from(t.tv_nsec()).unwrap_or(0),
        ),
        Err(e) => crate::fail(&format!("the {which} CPU clock: {e}")),
    }
}

/// CPU time (user + system) of every child process this process has waited for.
pub fn children_cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    match getrusage(UsageWho::RUSAGE_CHILDREN) {
        Ok(usage) => {
            let micros = |t: nix::sys::time::TimeVal| {
                Duration::from_secs(u64::try_from(t.tv_sec()).unwrap_or(0))
                    + Duration::from_micros(u64::try_from(t.tv_usec()).unwrap_or(0))
            };
            micros(usage.user_time()) + micros(usage.system_time())
        }
        Err(e) => crate::fail(&format!("getrusage: {e}")),
    }
}

/// Peak resident set size of this process, in KiB (the kernel's high-water mark).
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// A field of `/proc/self/status` given in kB; 0 if it cannot be read.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The peak of this process's anonymous memory (`RssAnon`: its heap and stacks, without the
/// pages of the binary's code and read-only data, which are file pages shared by every process
/// that runs it), sampled every millisecond on a thread of its own: the kernel keeps a
/// high-water mark of the whole RSS only.
pub struct AnonPeak {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl AnonPeak {
    /// Starts sampling.
    pub fn start() -> AnonPeak {
        let peak = Arc::new(AtomicU64::new(status_kib("RssAnon:")));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak, stop) = (Arc::clone(&peak), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(status_kib("RssAnon:"), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        AnonPeak {
            peak,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops sampling; the highest value seen, in KiB, the current one included.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let now = status_kib("RssAnon:");
        self.peak.fetch_max(now, Ordering::Relaxed).max(now)
    }
}

/// One measured run of a workload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
    pub ops: u64,
}

impl Sample {
    /// Adds another part of the same repetition.
    pub fn add(&mut self, other: Sample) {
        self.wall += other.wall;
        self.cpu += other.cpu;
        self.ops += other.ops;
    }

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
