//! Import throughput: generated OTLP/JSON agent traces, parsed and built into trees natively,
//! from the whole text, read in parts as they arrive, and read by a thread per core.
//! Run with `cargo bench -p loupe-core`; prints the median of several runs per phase.

use loupe_core::generate::{GenOptions, otlp_json};
use loupe_core::{TraceSet, TraceSetBuilder, add_file, remove_file, split_places};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Reads `bytes` as `loupe summary` reads a file: the first MB, then a part per thread from a
/// place between spans near the start of its share, joined in order.
fn read_in_parts(bytes: &[u8], threads: usize) -> TraceSet {
    const PART: usize = 1 << 20;
    let mut b = TraceSetBuilder::new();
    let mut feed = b.start_feed("bench.json");
    b.feed(&mut feed, &bytes[..PART.min(bytes.len())]);
    let kind = feed.split_kind();
    let ats = kind.map_or(Vec::new(), |kind| {
        split_places(kind, bytes.len(), threads, PART, |from, len| {
            bytes
                .get(from..)
                .map(|rest| rest[..len.min(rest.len())].to_vec())
        })
    });
    let ends: Vec<usize> = ats.iter().skip(1).copied().chain([bytes.len()]).collect();
    let read_to = std::thread::scope(|scope| {
        let parts: Vec<_> = ats
            .iter()
            .zip(&ends)
            .filter_map(|(&at, &end)| {
                let kind = kind?;
                Some(scope.spawn(move || {
                    let chunks = bytes[at..end].chunks(PART);
                    TraceSetBuilder::parse_part("bench.json", kind, at, chunks, end == bytes.len())
                }))
            })
            .collect();
        let parts = parts
            .into_iter()
            .zip(&ats)
            .zip(&ends)
            .map(|((part, &at), &end)| (at, end, || part.join().ok().and_then(Result::ok)));
        let fill = |b: &mut TraceSetBuilder, feed: &mut _, from: usize, to: usize| {
            for chunk in bytes[from..to].chunks(PART) {
                b.feed(feed, chunk);
            }
            Ok::<_, std::convert::Infallible>(to)
        };
        b.join_parts(&mut feed, PART.min(bytes.len()), parts, fill)
    });
    let Ok(read_to) = read_to;
    for chunk in bytes[read_to..].chunks(PART) {
        b.feed(&mut feed, chunk);
    }
    assert!(b.finish_feed(feed).is_ok());
    b.finish()
}

fn main() {
    for spans in [10_000usize, 100_000, 1_000_000] {
        let text = otlp_json(&GenOptions {
            spans,
            traces: (spans / 1000).max(1),
            ..GenOptions::default()
        });
        let mb = text.len() as f64 / 1e6;
        let (mut parse, mut trees) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t0 = Instant::now();
            let mut b = TraceSetBuilder::new();
            let report = b.add_file("bench.json", text.as_bytes());
            let t1 = Instant::now();
            let set = b.finish();
            let t2 = Instant::now();
            assert!(report.is_ok_and(|r| r.spans == spans));
            assert_eq!(set.span_count(), spans);
            parse.push(t1 - t0);
            trees.push(t2 - t1);
        }
        let fed = median(
            (0..RUNS)
                .map(|_| {
                    let t0 = Instant::now();
                    let mut b = TraceSetBuilder::new();
                    let mut feed = b.start_feed("bench.json");
                    for part in text.as_bytes().chunks(1 << 20) {
                        b.feed(&mut feed, part);
                    }
                    let report = b.finish_feed(feed);
                    let set = b.finish();
                    assert!(report.is_ok_and(|r| r.spans == spans));
                    assert_eq!(set.span_count(), spans);
                    t0.elapsed()
                })
                .collect(),
        );
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let split = median(
            (0..RUNS)
                .map(|_| {
                    let t0 = Instant::now();
                    let set = read_in_parts(text.as_bytes(), threads);
                    assert_eq!(set.span_count(), spans);
                    t0.elapsed()
                })
                .collect(),
        );
        let (added, removed) = add_and_remove(&text);
        let priced = pricing(&text);
        let (p, t) = (median(parse), median(trees));
        let total = p + t;
        println!(
            "{spans:>9} spans, {mb:7.1} MB: parse {:7.1} ms, trees {:6.1} ms, total {:7.1} ms = {:5.0} MB/s",
            p.as_secs_f64() * 1e3,
            t.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            mb / total.as_secs_f64()
        );
        println!(
            "{:>9}  read in parts of 1 MB as they arrive (the text never whole): {:7.1} ms = {:5.0} MB/s",
            "",
            fed.as_secs_f64() * 1e3,
            mb / fed.as_secs_f64()
        );
        println!(
            "{:>9}  read in parts by {threads} threads, joined: {:7.1} ms = {:5.0} MB/s",
            "",
            split.as_secs_f64() * 1e3,
            mb / split.as_secs_f64()
        );
        println!(
            "{:>9}  then adding a file of 10 KB: {:5.1} ms; removing it: {:5.1} ms; pricing every call: {:5.1} ms",
            "",
            added.as_secs_f64() * 1e3,
            removed.as_secs_f64() * 1e3,
            priced.as_secs_f64() * 1e3
        );
    }
}

/// Times pricing every LLM call of the set of `text` at the built-in prices.
fn pricing(text: &str) -> Duration {
    let set = loupe_core::import(text.as_bytes(), "bench.json").unwrap_or_default();
    let table = loupe_core::pricing::PriceTable::builtin();
    let all: Vec<u32> = (0..set.traces().len() as u32).collect();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let report = loupe_core::cost::cost_report(&set, &table, &all);
        times.push(t0.elapsed());
        assert!(!report.calls.is_empty());
    }
    median(times)
}

/// Times adding a small file (new traces) to the set of `text`, and removing it again.
fn add_and_remove(text: &str) -> (Duration, Duration) {
    let small = otlp_json(&GenOptions {
        spans: 15,
        traces: 1,
        seed: 7,
        ..GenOptions::default()
    });
    assert!(
        (5_000..20_000).contains(&small.len()),
        "{} bytes",
        small.len()
    );
    let mut set = TraceSet::default();
    let loaded = add_file(&mut set, "bench.json", text.as_bytes().to_vec());
    assert!(loaded.is_ok());
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let report = add_file(&mut set, "small.json", small.as_bytes().to_vec());
        let t1 = Instant::now();
        let source = report.map(|r| r.source).unwrap_or_else(|e| panic!("{e}"));
        remove_file(&mut set, source);
        let t2 = Instant::now();
        added.push(t1 - t0);
        removed.push(t2 - t1);
    }
    (median(added), median(removed))
}
