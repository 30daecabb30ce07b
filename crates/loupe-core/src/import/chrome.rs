//! Chrome Trace Event format: the array form and the object form (`{"traceEvents": […]}`),
//! complete events (`X`; `tdur` stands in for a missing `dur`), begin/end pairs (`B`/`E`), async begin/end pairs (`b`/`e`), and
//! metadata (`M`) naming processes and threads. A truncated array (no closing `]`, maybe a
//! trailing comma) is read too, as the format allows. Times are microseconds, read exactly.
//! The file is walked once: each event is parsed from its bytes, and its `args` become the
//! span's attributes (where the LLM conventions' keys are read as for any span).
//!
//! Each process of a file is a trace. Within a thread, spans nest by time; async spans are
//! roots.

use super::Context;
use super::cursor::Cursor;
use crate::builder::SpanDraft;
use crate::diagnostics::DiagnosticKind;
use crate::error::ImportError;
use crate::ids::{SpanId, TraceId};
use crate::llm::LlmProbe;
use crate::model::{AttrValue, Nanos, Rows};
use crate::strings::StrId;
use crate::text::Text;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, default)]
    ph: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    cat: Option<Text<'a>>,
    #[serde(borrow, default)]
    pid: Option<Key<'a>>,
    #[serde(borrow, default)]
    tid: Option<Key<'a>>,
    #[serde(borrow, default)]
    id: Option<Key<'a>>,
    #[serde(default)]
    ts: Option<Micros>,
    #[serde(default)]
    dur: Option<Micros>,
    #[serde(default)]
    tdur: Option<Micros>,
    #[serde(borrow, default)]
    args: Option<Args<'a>>,
}

/// An event's `args` object: its members, values unparsed (a string value without escapes is
/// later read in place).
#[derive(Default)]
struct Args<'a>(Vec<(Text<'a>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Args<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Args<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of arguments")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Args<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    members.push((k, map.next_value::<&'de RawValue>()?));
                }
                Ok(Args(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// A pid, tid or id: a number or a string, compared as text (borrowed from the file where the
/// text has no escapes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        let t = raw.get().trim();
        Ok(Key(match serde_json::from_str::<Text<'de>>(t) {
            Ok(text) => text.0,
            Err(_) => Cow::Borrowed(t),
        }))
    }
}

/// Microseconds as a JSON number, possibly fractional, read exactly into nanoseconds.
#[derive(Clone, Copy)]
struct Micros(Nanos);

impl<'de> Deserialize<'de> for Micros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&RawValue>::deserialize(d)?;
        let t = raw.get().trim().trim_matches('"');
        micros_text_to_nanos(t)
            .map(Micros)
            .ok_or_else(|| de::Error::custom(format!("{t:?} is not a time in microseconds")))
    }
}

/// `"12.3456"` microseconds to 12_345 nanoseconds (rounded down past the nanosecond), without
/// going through floating point. Exponents are read through `f64`.
fn micros_text_to_nanos(t: &str) -> Option<Nanos> {
    if t.contains(['e', 'E']) {
        let v: f64 = t.parse().ok()?;
        return v.is_finite().then(|| (v * 1000.0).round() as Nanos);
    }
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut ns_frac = 0i64;
    for (i, b) in frac.bytes().take(3).enumerate() {
        ns_frac += i64::from(b - b'0') * 10i64.pow(2 - i as u32);
    }
    let v = whole.checked_mul(1000)?.checked_add(ns_frac)?;
    Some(if neg { -v } else { v })
}

/// A span being assembled before the tree is known.
struct Pending<'a> {
    raw: &'a str,
    pid: Key<'a>,
    tid: Key<'a>,
    name: Text<'a>,
    cat: Option<Text<'a>>,
    start: Nanos,
    end: Option<Nanos>,
    args: Args<'a>,
    nests: bool,
}

/// Imports a whole document (array or object form), walking the events once. An array that is
/// not closed (the format allows it; a trailing comma too) is read up to its last event.
pub(crate) fn import_document(ctx: &mut Context) -> Result<(), ImportError> {
    let mut cur = Cursor::new(ctx.text, 0);
    let mut events = Events::default();
    if cur.peek() == Some(b'[') {
        walk_events(ctx, &mut cur, &mut events)?;
    } else {
        let mut members = cur.object()?;
        while let Some(key) = cur.key(&mut members)? {
            if &*key == "traceEvents" && !cur.null() {
                walk_events(ctx, &mut cur, &mut events)?;
            } else {
                cur.skip()?;
            }
        }
    }
    if cur.peek().is_some() {
        return Err(cur.expected("the end of the document"));
    }
    finish_events(ctx, events);
    Ok(())
}

/// What the events read so far say.
#[derive(Default)]
struct Events<'a> {
    process_names: HashMap<Key<'a>, String>,
    thread_names: HashMap<(Key<'a>, Key<'a>), String>,
    pending: Vec<Pending<'a>>,
    open_sync: HashMap<(Key<'a>, Key<'a>), Vec<usize>>,
    open_async: HashMap<(Key<'a>, Option<Text<'a>>, Key<'a>), Vec<usize>>,
    last_ts: HashMap<Key<'a>, Nanos>,
}

/// Walks an event array, parsing each event from its bytes.
fn walk_events<'a>(
    ctx: &mut Context,
    cur: &mut Cursor<'a>,
    events: &mut Events<'a>,
) -> Result<(), ImportError> {
    let mut items = cur.array()?;
    loop {
        let more = match cur.item(&mut items) {
            Ok(false) => return Ok(()),
            Ok(true) => cur.peek().is_some(),
            Err(_) if cur.peek().is_none() => false,
            Err(e) => return Err(e),
        };
        if !more {
            ctx.diags
                .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                    "the event array is not closed (allowed for Chrome traces); read up to its last event"
                        .to_string()
                });
            return Ok(());
        }
        match cur.record::<Event<'a>>()? {
            (Ok(ev), raw) => add_event(events, ev, raw),
            (Err(bad), _) => ctx.report_bad_span(cur, &bad),
        }
    }
}

fn add_event<'a>(e: &mut Events<'a>, ev: Event<'a>, raw: &'a str) {
    let pid = ev.pid.clone().unwrap_or_default();
    let tid = ev.tid.clone().unwrap_or_default();
    let ts = ev.ts.map(|t| t.0);
    if let Some(t) = ts {
        match e.last_ts.get_mut(&pid) {
            Some(last) => *last = (*last).max(t),
            None => {
                e.last_ts.insert(pid.clone(), t);
            }
        }
    }
    let name = ev.name.clone().unwrap_or_default();
    let ph = ev.ph.as_deref().unwrap_or("");
    if ph == "M" {
        let label = ev
            .args
            .as_ref()
            .and_then(|a| a.0.iter().find(|(k, _)| &**k == "name"))
            .and_then(|(_, v)| serde_json::from_str::<Text>(v.get()).ok())
            .map(|n| n.to_string());
        match (&*name, label) {
            ("process_name", Some(l)) => {
                e.process_names.insert(pid, l);
            }
            ("thread_name", Some(l)) => {
                e.thread_names.insert((pid, tid), l);
            }
            _ => {}
        }
        return;
    }
    let cat = ev.cat.clone();
    let id = ev.id.clone().unwrap_or_default();
    let mut args = ev.args;
    let mut new = |nests: bool, end: Option<Nanos>| Pending {
        raw,
        pid: pid.clone(),
        tid: tid.clone(),
        name: name.clone(),
        cat: cat.clone(),
        start: ts.unwrap_or(0),
        end,
        args: args.take().unwrap_or_default(),
        nests,
    };
    match (ph, ts) {
        ("X", Some(t)) => {
            let dur = ev.dur.or(ev.tdur).map_or(0, |d| d.0);
            let p = new(true, Some(t.saturating_add(dur)));
            e.pending.push(p);
        }
        ("B", Some(_)) => {
            let p = new(true, None);
            e.open_sync
                .entry((pid.clone(), tid.clone()))
                .or_default()
                .push(e.pending.len());
            e.pending.push(p);
        }
        ("E", Some(t)) => {
            if let Some(i) = e.open_sync.get_mut(&(pid, tid)).and_then(Vec::pop) {
                e.pending[i].end = Some(t);
            }
        }
        ("b", Some(_)) => {
            let p = new(false, None);
            e.open_async
                .entry((pid.clone(), cat.clone(), id))
                .or_default()
                .push(e.pending.len());
            e.pending.push(p);
        }
        ("e", Some(t)) => {
            if let Some(i) = e.open_async.get_mut(&(pid, cat, id)).and_then(Vec::pop) {
                e.pending[i].end = Some(t);
            }
        }
        _ => {}
    }
}

fn finish_events(ctx: &mut Context, e: Events) {
    let unclosed = e.pending.iter().filter(|p| p.end.is_none()).count();
    if unclosed > 0 {
        ctx.diags
            .report(Some(ctx.source), DiagnosticKind::MissingTimestamps, || {
                format!("{unclosed} begin events have no end; they end at the process's last event")
            });
    }
    build_spans(
        ctx,
        e.pending,
        &e.process_names,
        &e.thread_names,
        &e.last_ts,
    );
}

fn build_spans(
    ctx: &mut Context,
    mut pending: Vec<Pending>,
    process_names: &HashMap<Key, String>,
    thread_names: &HashMap<(Key, Key), String>,
    last_ts: &HashMap<Key, Nanos>,
) {
    for p in &mut pending {
        if p.end.is_none() {
            p.end = Some(last_ts.get(&p.pid).copied().unwrap_or(p.start).max(p.start));
        }
    }
    // Nesting within each thread: sorted by start (longer first), a stack of open spans.
    let mut order: Vec<usize> = (0..pending.len()).collect();
    let sort_key = |p: &Pending| (!p.nests, p.start, std::cmp::Reverse(p.end));
    order.sort_by(|&a, &b| {
        let (p, q) = (&pending[a], &pending[b]);
        (&p.pid, &p.tid)
            .cmp(&(&q.pid, &q.tid))
            .then_with(|| sort_key(p).cmp(&sort_key(q)))
    });
    let mut parent: Vec<Option<usize>> = vec![None; pending.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut lane: Option<(&Key, &Key)> = None;
    for &i in &order {
        let p = &pending[i];
        if !p.nests {
            continue;
        }
        if lane != Some((&p.pid, &p.tid)) {
            stack.clear();
            lane = Some((&p.pid, &p.tid));
        }
        while let Some(&top) = stack.last() {
            if pending[top].end.unwrap_or(0) >= p.end.unwrap_or(0) && pending[top].start <= p.start
            {
                break;
            }
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    let thread_key = ctx.builder.intern("thread.name");
    let category_key = ctx.builder.intern("category");
    // Each process's trace id and service, and each thread's name, found once.
    let mut processes: HashMap<&Key, (Option<TraceId>, StrId)> = HashMap::new();
    let mut threads: HashMap<(&Key, &Key), StrId> = HashMap::new();
    let file_bits = (u64::from(ctx.source) + 1) << 40;
    for (i, p) in pending.iter().enumerate() {
        let (trace, service) = *processes.entry(&p.pid).or_insert_with(|| {
            // Processes and synthetic span ids belong to this file alone.
            let trace = TraceId::parse_or_derive(&format!("chrome:{}:{}", ctx.source, p.pid.0)).0;
            let service = match process_names.get(&p.pid) {
                Some(n) => ctx.builder.intern(n),
                None => ctx.builder.intern(&format!("pid {}", p.pid.0)),
            };
            (trace, service)
        });
        let thread = *threads.entry((&p.pid, &p.tid)).or_insert_with(|| {
            match thread_names.get(&(p.pid.clone(), p.tid.clone())) {
                Some(n) => ctx.builder.intern(n),
                None => ctx.builder.intern(&format!("tid {}", p.tid.0)),
            }
        });
        let attrs_start = ctx.builder.attr_len();
        ctx.builder
            .push_attr(thread_key, AttrValue::Str(thread), None);
        if let Some(cat) = &p.cat {
            let v = AttrValue::Str(ctx.builder.intern(cat));
            ctx.builder.push_attr(category_key, v, None);
        }
        let mut probe = LlmProbe::default();
        for (key, raw) in &p.args.0 {
            let v = ctx.plain_value(raw);
            let key = ctx.builder.intern(key);
            ctx.builder.push_attr(key, v, Some(&mut probe));
        }
        let attrs = Rows {
            start: attrs_start,
            end: ctx.builder.attr_len(),
        };
        let name = ctx.builder.intern(&p.name);
        let draft = SpanDraft {
            trace_id: trace,
            span_id: Some(SpanId(file_bits | (i as u64 + 1))),
            parent_id: parent[i].map(|q| SpanId(file_bits | (q as u64 + 1))),
            name,
            service,
            start: Some(p.start),
            end: p.end,
            attrs,
            raw: ctx.raw_ref(p.raw),
            facts: probe.finish(),
            ..SpanDraft::default()
        };
        ctx.builder.push_span(draft, ctx.diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_microseconds_are_exact() {
        assert_eq!(micros_text_to_nanos("12.3456"), Some(12_345));
        assert_eq!(
            micros_text_to_nanos("1700000000123456.789"),
            Some(1_700_000_000_123_456_789)
        );
        assert_eq!(micros_text_to_nanos("7"), Some(7000));
        assert_eq!(micros_text_to_nanos("abc"), None);
    }
}
