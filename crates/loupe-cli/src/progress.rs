//! A progress line on stderr while a command reads its inputs: shown only when stderr is a
//! terminal and the inputs are big enough to take a while, redrawn in place a few times a
//! second, and cleared when the reading is done.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Inputs smaller than this are read without a progress line.
const SHOWN_FROM: u64 = 8 << 20;

/// Bytes read so far, counted by every reader thread.
pub type Counter = AtomicU64;

/// The progress of reading `total` bytes.
pub struct Progress {
    read: Arc<Counter>,
    done: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

/// The line for `read` of `total` bytes.
fn line(read: u64, total: u64) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let share = (read.saturating_mul(100) / total.max(1)).min(100);
    let filled = (share / 5) as usize;
    format!(
        "\rreading [{}{}] {share:>3}% {:.0} of {:.0} MB",
        "#".repeat(filled),
        " ".repeat(20 - filled.min(20)),
        mb(read),
        mb(total)
    )
}

impl Progress {
    /// Starts showing the reading of `total` bytes, if stderr is a terminal and it is big.
    fn start(total: u64) -> Progress {
        let read = Arc::new(Counter::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let drawer = (total >= SHOWN_FROM && std::io::stderr().is_terminal()).then(|| {
            let (read, done) = (Arc::clone(&read), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut err = std::io::stderr();
                while !done.load(Ordering::Relaxed) {
                    let _ = write!(
                        err,
                        "{}",
                        line(read.load(Ordering::Relaxed).min(total), total)
                    );
                    let _ = err.flush();
                    std::thread::sleep(Duration::from_millis(200));
                }
                let _ = write!(err, "{}\r{}\r", line(total, total), " ".repeat(60));
                let _ = err.flush();
            })
        });
        Progress { read, done, drawer }
    }

    /// Starts showing the reading of the files at `paths` (those that can be opened).
    pub fn of_files(paths: &[String]) -> Progress {
        let total = paths
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        Progress::start(total)
    }

    /// The counter the readers add the bytes they read to.
    pub fn counter(&self) -> &Counter {
        &self.read
    }

    /// Ends the line.
    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn the_line_shows_the_share_read() {
        assert_eq!(
            line(0, 200_000_000),
            "\rreading [                    ]   0% 0 of 200 MB"
        );
        assert_eq!(
            line(100_000_000, 200_000_000),
            "\rreading [##########          ]  50% 100 of 200 MB"
        );
        assert_eq!(
            line(3_000_000, 2_000_000),
            "\rreading [####################] 100% 3 of 2 MB"
        );
    }
}
