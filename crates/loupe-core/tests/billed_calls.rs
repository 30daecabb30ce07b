//! Every paid model call counts: LLM and embedding calls (and rerankers where they report usage)
//! add their tokens and cost to the totals, aggregates recorded above them never do, and the
//! computed cost equals a computation by hand at the vendors' list prices.

mod common;

use loupe_core::cost::{GroupBy, breakdown, cost_report};
use loupe_core::import;
use loupe_core::pricing::PriceTable;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/openinference-billed-calls-written-by-loupe.json"
);

/// US dollars per million tokens, as OpenAI's and Anthropic's price pages list them:
/// (input, cache read, cache write, output).
const LIST_PRICES: [(&str, [f64; 4]); 4] = [
    ("gpt-4o-2024-08-06", [2.50, 1.25, 2.50, 10.00]),
    ("gpt-4o-mini-2024-07-18", [0.15, 0.075, 0.15, 0.60]),
    ("claude-sonnet-4-5-20250929", [3.00, 0.30, 3.75, 15.00]),
    ("text-embedding-3-small", [0.02, 0.02, 0.02, 0.0]),
];

/// The calls in the file: (span name, model, input with cache, cache read, cache write, output).
const CALLS: [(&str, &str, u64, u64, u64, u64); 5] = [
    ("embed_query", "text-embedding-3-small", 26, 0, 0, 0),
    ("ChatOpenAI", "gpt-4o-2024-08-06", 1200, 1000, 0, 300),
    ("plan", "claude-sonnet-4-5-20250929", 2000, 1500, 200, 500),
    ("embed_ticket", "text-embedding-3-small", 74, 0, 0, 0),
    ("answer", "gpt-4o-mini-2024-07-18", 800, 0, 0, 120),
];

/// A call's cost by hand: input less cache reads and writes at the input rate, cache reads at
/// the cache rate, cache writes at the write rate, output at the output rate.
fn by_hand(model: &str, input: u64, read: u64, write: u64, output: u64) -> f64 {
    let [i, r, w, o] = LIST_PRICES
        .iter()
        .find(|(m, _)| *m == model)
        .unwrap_or_else(|| panic!("no list price for {model}"))
        .1;
    ((input - read - write) as f64 * i + read as f64 * r + write as f64 * w + output as f64 * o)
        / 1e6
}

#[test]
fn embeddings_count_in_the_totals_and_aggregates_never_do() {
    let text = std::fs::read(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let set = import(&text, "billed.json").unwrap_or_else(|e| panic!("{e}"));
    let t = set.totals();
    assert_eq!((t.llm_calls, t.embedding_calls), (3, 2));
    let input: u64 = CALLS.iter().map(|c| c.2).sum();
    let output: u64 = CALLS.iter().map(|c| c.5).sum();
    assert_eq!((t.input_tokens, t.output_tokens), (input, output));
    assert_eq!(
        (input, output),
        (4100, 920),
        "the chain's 3226/300 is not added"
    );
    // The reranker reports no usage: it names its model but is not counted.
    let rerank = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.name() == "rerank")
        .unwrap_or_else(|| panic!("no rerank span"));
    assert_eq!(rerank.model(), "rerank-v3.5");
    assert!(!set.counts_usage(rerank.index()));
}

#[test]
fn computed_cost_equals_a_computation_by_hand_within_half_a_percent() {
    let text = std::fs::read(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let set = import(&text, "billed.json").unwrap_or_else(|e| panic!("{e}"));
    let all: Vec<u32> = (0..set.traces().len() as u32).collect();
    let report = cost_report(&set, &PriceTable::builtin(), &all);
    assert_eq!(report.calls.len(), CALLS.len());
    let mut expected_total = 0.0;
    for (name, model, input, read, write, output) in CALLS {
        let call = report
            .calls
            .iter()
            .find(|c| set.span(c.span).name() == name)
            .unwrap_or_else(|| panic!("{name} is not a counted call"));
        assert_eq!(set.span(call.span).model(), model);
        let want = by_hand(model, input, read, write, output);
        let got = call.computed.unwrap_or_else(|| panic!("{name}: no price"));
        assert!(
            (got - want).abs() <= 0.005 * want,
            "{name} ({model}): computed {got}, by hand {want}"
        );
        expected_total += want;
    }
    let total = report.total().unwrap_or(0.0);
    assert!(
        (total - expected_total).abs() <= 0.005 * expected_total,
        "total {total}, by hand {expected_total}"
    );
    assert!(
        (expected_total - 0.014_544).abs() < 1e-9,
        "{expected_total}"
    );
    // The breakdown by kind splits LLM calls from embeddings.
    let kinds = breakdown(&set, &report, GroupBy::Kind);
    let calls = |k: &str| {
        kinds
            .iter()
            .find(|g| g.key == k)
            .map(|g| (g.calls, g.input))
    };
    assert_eq!(calls("llm"), Some((3, 4000)));
    assert_eq!(calls("embedding"), Some((2, 100)));
}

/// On every file of the corpus and every file written here, the totals are the sum over the
/// billed model calls (each an LLM, embedding or reranker call that reports usage, with no such
/// call below it), and each computed cost equals the call's tokens priced class by class at its
/// price row's rates, computed here on its own, within 0.5%.
#[test]
fn every_fixture_sums_its_billed_calls_and_prices_them_as_by_hand() {
    let written = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "md"));
    let corpus = common::all_fixtures()
        .into_iter()
        .map(|f| common::fixtures_dir().join(f));
    let table = PriceTable::builtin();
    let (mut files, mut priced) = (0, 0);
    for path in corpus.chain(written) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Ok(set) = import(&bytes, &path.to_string_lossy()) else {
            continue;
        };
        files += 1;
        let (mut input, mut output) = (0, 0);
        for i in 0..set.span_count() as u32 {
            let s = set.span(i);
            let reports = s.kind().is_billed()
                && s.usage()
                    .is_some_and(|u| u.has_tokens() || u.cost_usd.is_some());
            if !reports {
                assert!(!set.counts_usage(i), "{}: {}", path.display(), s.name());
                continue;
            }
            if set.counts_usage(i) {
                let u = s.usage().unwrap_or_default();
                input += u.input.unwrap_or(0);
                output += u.output.unwrap_or(0);
            }
        }
        let t = set.totals();
        assert_eq!(
            (t.input_tokens, t.output_tokens),
            (input, output),
            "{}",
            path.display()
        );
        let all: Vec<u32> = (0..set.traces().len() as u32).collect();
        for call in cost_report(&set, &table, &all).calls {
            let (Some(computed), Some(price)) = (call.computed, &call.price) else {
                continue;
            };
            let u = set.span(call.span).usage().unwrap_or_default();
            let p = &price.price;
            let (i, o) = (u.input.unwrap_or(0), u.output.unwrap_or(0));
            let read = u.cache_read.unwrap_or(0).min(i);
            let write = u.cache_write.unwrap_or(0).min(i - read);
            let reasoning = u.reasoning.unwrap_or(0).min(o);
            let by_hand = (i - read - write) as f64 * p.input
                + read as f64 * p.cache_read.unwrap_or(p.input)
                + write as f64 * p.cache_write.unwrap_or(p.input)
                + (o - reasoning) as f64 * p.output
                + reasoning as f64 * p.reasoning.unwrap_or(p.output);
            assert!(
                (computed - by_hand).abs() <= 0.005 * by_hand.abs().max(1e-12),
                "{}: {computed} vs {by_hand}",
                path.display()
            );
            priced += 1;
        }
    }
    assert!(files >= 60, "{files} files");
    assert!(priced >= 20, "{priced} calls priced");
}
