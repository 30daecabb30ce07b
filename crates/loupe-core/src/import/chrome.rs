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
use super::cursor::{Cursor, DocumentWalk, Next, Stop, Walk, Walker, import_whole};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::strings::StrId;
use crate::model::{AttrValue, Nanos, RawRef, Rows};
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
        // A number (the usual pid and tid) is its own text; only a string is read as one.
        if !t.starts_with('"') {
            return Ok(Key(Cow::Borrowed(t)));
        }
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

/// A span being assembled before the tree is known (kept small: one per event). Its attributes
/// are in the builder already (the thread's name, known only at the end, in a first row kept
/// for it, then the category if any, then the args).
struct Pending {
    /// Where the event's JSON lies in the file.
    raw: (u32, u32),
    pid: StrId,
    tid: StrId,
    name: StrId,
    start: Nanos,
    /// The end, or [`OPEN`] until an end event comes.
    end: Nanos,
    attrs: Rows,
    /// How many rows of `attrs` come before the args (the thread's name, the category).
    before_args: u8,
    nests: bool,
}

/// The end of a span whose end event has not come.
const OPEN: Nanos = Nanos::MIN;

/// Imports a whole document (array or object form), walking the events once. An array that is
/// not closed (the format allows it; a trailing comma too) is read up to its last event.
pub(crate) fn import_document(ctx: &mut Context) -> Result<(), ImportError> {
    let walker = EventWalker {
        events: Events::new(ctx),
    };
    import_whole(ctx, walker)
}

/// A walk through one Chrome trace, which may arrive in parts.
pub(crate) fn document(ctx: &mut Context) -> DocumentWalk<EventWalker> {
    DocumentWalk::new(EventWalker {
        events: Events::new(ctx),
    })
}

/// Where the walk stands in one container.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Frame {
    /// At the document's value: an event array, or an object holding one.
    Document,
    /// In the object form's members.
    Object(Walk),
    /// In the event array.
    Events(Walk),
}

/// Walks events, one at a time.
pub(crate) struct EventWalker {
    events: Events,
}

impl Walker for EventWalker {
    type Frame = Frame;
    const START: Frame = Frame::Document;

    /// Builds the spans of the events read: their ends, nesting, processes and threads.
    fn finish(self, ctx: &mut Context) {
        finish_events(ctx, self.events);
    }

    fn step<'t>(
        &mut self,
        ctx: &mut Context,
        cur: &mut Cursor<'t>,
        frame: Frame,
    ) -> Result<Next<Frame>, Stop> {
        Ok(match frame {
            Frame::Document if cur.peek() == Some(b'[') => Next::Stay(Frame::Events(cur.array()?)),
            Frame::Document => Next::Stay(Frame::Object(cur.object()?)),
            Frame::Object(mut w) => match cur.key(&mut w)? {
                None => Next::Leave,
                Some(k) if &*k == "traceEvents" && !cur.null()? => {
                    Next::Enter(Frame::Object(w), Frame::Events(cur.array()?))
                }
                Some(_) => {
                    cur.skip()?;
                    Next::Stay(Frame::Object(w))
                }
            },
            Frame::Events(mut w) => {
                let more = match cur.item(&mut w) {
                    Ok(false) => return Ok(Next::Leave),
                    Ok(true) => !cur.at_end()?,
                    Err(Stop::Bad(_)) if cur.at_end()? => false,
                    Err(stop) => return Err(stop),
                };
                if !more {
                    ctx.diags
                        .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                            "the event array is not closed (allowed for Chrome traces); read up to its last event"
                                .to_string()
                        });
                    return Ok(Next::Finish);
                }
                match cur.record::<Event<'t>>()? {
                    (Ok(ev), raw) => add_event(ctx, &mut self.events, ev, raw),
                    (Err(bad), _) => ctx.report_bad_span(cur, &bad),
                }
                Next::Stay(Frame::Events(w))
            }
        })
    }
}

/// What the events read so far say. Processes, threads and ids are interned text.
struct Events {
    process_names: HashMap<StrId, String>,
    thread_names: HashMap<(StrId, StrId), String>,
    pending: Vec<Pending>,
    open_sync: HashMap<(StrId, StrId), Vec<usize>>,
    open_async: HashMap<(StrId, StrId, StrId), Vec<usize>>,
    last_ts: HashMap<StrId, Nanos>,
    thread_key: StrId,
    category_key: StrId,
}

impl Events {
    fn new(ctx: &mut Context) -> Events {
        Events {
            process_names: HashMap::new(),
            thread_names: HashMap::new(),
            pending: Vec::new(),
            open_sync: HashMap::new(),
            open_async: HashMap::new(),
            last_ts: HashMap::new(),
            thread_key: ctx.builder.intern("thread.name"),
            category_key: ctx.builder.intern("category"),
        }
    }
}

fn add_event(ctx: &mut Context, e: &mut Events, ev: Event, raw: &str) {
    let mut intern = |k: Option<&Key>| k.map_or(StrId::EMPTY, |k| ctx.builder.intern(&k.0));
    let pid = intern(ev.pid.as_ref());
    let tid = intern(ev.tid.as_ref());
    let ts = ev.ts.map(|t| t.0);
    if let Some(t) = ts {
        let last = e.last_ts.entry(pid).or_insert(t);
        *last = (*last).max(t);
    }
    let ph = ev.ph.as_deref().unwrap_or("");
    if ph == "M" {
        let label = ev
            .args
            .as_ref()
            .and_then(|a| a.0.iter().find(|(k, _)| &**k == "name"))
            .and_then(|(_, v)| serde_json::from_str::<Text>(v.get()).ok())
            .map(|n| n.to_string());
        match (ev.name.as_deref(), label) {
            (Some("process_name"), Some(l)) => {
                e.process_names.insert(pid, l);
            }
            (Some("thread_name"), Some(l)) => {
                e.thread_names.insert((pid, tid), l);
            }
            _ => {}
        }
        return;
    }
    let cat = ev.cat.as_deref().map(|c| ctx.builder.intern(c));
    let id = ev
        .id
        .as_ref()
        .map_or(StrId::EMPTY, |k| ctx.builder.intern(&k.0));
    let end = match (ph, ts) {
        ("X", Some(t)) => t.saturating_add(ev.dur.or(ev.tdur).map_or(0, |d| d.0)),
        ("B" | "b", Some(_)) => OPEN,
        ("E", Some(t)) => {
            if let Some(i) = e.open_sync.get_mut(&(pid, tid)).and_then(Vec::pop) {
                e.pending[i].end = t;
            }
            return;
        }
        ("e", Some(t)) => {
            let key = (pid, cat.unwrap_or(StrId::EMPTY), id);
            if let Some(i) = e.open_async.get_mut(&key).and_then(Vec::pop) {
                e.pending[i].end = t;
            }
            return;
        }
        _ => return,
    };
    let attrs_start = ctx.builder.attr_len();
    ctx.builder.push_attr(e.thread_key, AttrValue::Empty, None);
    if let Some(cat) = cat {
        ctx.builder
            .push_attr(e.category_key, AttrValue::Str(cat), None);
    }
    let before_args = if cat.is_some() { 2 } else { 1 };
    for (key, value) in ev.args.as_ref().map_or(&[][..], |a| &a.0) {
        let value = ctx.plain_value(value);
        let key = ctx.builder.intern(key);
        ctx.builder.push_attr(key, value, None);
    }
    let end_row = ctx.builder.attr_len();
    let index = e.pending.len();
    match ph {
        "B" => e.open_sync.entry((pid, tid)).or_default().push(index),
        "b" => {
            let key = (pid, cat.unwrap_or(StrId::EMPTY), id);
            e.open_async.entry(key).or_default().push(index);
        }
        _ => {}
    }
    let place = ctx.raw_ref(raw);
    e.pending.push(Pending {
        raw: (place.start, place.end),
        pid,
        tid,
        name: ev
            .name
            .as_deref()
            .map_or(StrId::EMPTY, |n| ctx.builder.intern(n)),
        start: ts.unwrap_or(0),
        end,
        attrs: Rows {
            start: attrs_start,
            end: end_row,
        },
        before_args,
        nests: ph != "b",
    });
}

fn finish_events(ctx: &mut Context, mut e: Events) {
    let unclosed = e.pending.iter().filter(|p| p.end == OPEN).count();
    if unclosed > 0 {
        ctx.diags
            .report(Some(ctx.source), DiagnosticKind::MissingTimestamps, || {
                format!("{unclosed} begin events have no end; they end at the process's last event")
            });
    }
    for p in &mut e.pending {
        if p.end == OPEN {
            p.end = e
                .last_ts
                .get(&p.pid)
                .copied()
                .unwrap_or(p.start)
                .max(p.start);
        }
    }
    // The number of spans is known: their columns get exactly the room they need.
    ctx.builder.spans.reserve_exact(e.pending.len());
    let parent = nest(&e.pending);
    // Each process's trace id and service, and each thread's name, found once.
    let mut processes: HashMap<StrId, (Option<TraceId>, StrId)> = HashMap::new();
    let mut threads: HashMap<(StrId, StrId), StrId> = HashMap::new();
    let file_bits = (u64::from(ctx.source) + 1) << 40;
    for (i, p) in e.pending.iter().enumerate() {
        let (trace, service) = *processes.entry(p.pid).or_insert_with(|| {
            let pid = ctx.builder.strings.resolve(p.pid).to_string();
            // Processes and synthetic span ids belong to this file alone.
            let trace = TraceId::parse_or_derive(&format!("chrome:{}:{pid}", ctx.source)).0;
            let service = match e.process_names.get(&p.pid) {
                Some(n) => ctx.builder.intern(n),
                None => ctx.builder.intern(&format!("pid {pid}")),
            };
            (trace, service)
        });
        let thread = *threads.entry((p.pid, p.tid)).or_insert_with(|| {
            match e.thread_names.get(&(p.pid, p.tid)) {
                Some(n) => ctx.builder.intern(n),
                None => {
                    let tid = ctx.builder.strings.resolve(p.tid).to_string();
                    ctx.builder.intern(&format!("tid {tid}"))
                }
            }
        });
        ctx.builder
            .set_attr_value(p.attrs.start, AttrValue::Str(thread));
        let mut probe = LlmProbe::default();
        let b = &ctx.builder;
        for r in p.attrs.range().skip(usize::from(p.before_args)) {
            let key = b.strings.resolve(b.attrs.key[r]);
            probe.observe(key, b.attrs.value[r], &b.strings);
        }
        let draft = SpanDraft {
            trace_id: trace,
            span_id: Some(SpanId(file_bits | (i as u64 + 1))),
            parent_id: parent[i].map(|q| SpanId(file_bits | (q as u64 + 1))),
            name: p.name,
            service,
            start: Some(p.start),
            end: Some(p.end),
            attrs: p.attrs,
            raw: RawRef {
                source: ctx.source,
                start: p.raw.0,
                end: p.raw.1,
            },
            facts: probe.finish(),
            ..SpanDraft::default()
        };
        ctx.builder.push_span(draft, ctx.diags);
    }
}

/// Each span's parent: within each thread, spans nest by time (sorted by start, longer first,
/// against a stack of open spans). Async spans are roots.
fn nest(pending: &[Pending]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..pending.len()).filter(|&i| pending[i].nests).collect();
    order.sort_by_key(|&i| {
        let p = &pending[i];
        (p.pid, p.tid, p.start, std::cmp::Reverse(p.end))
    });
    let mut parent: Vec<Option<usize>> = vec![None; pending.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut lane = None;
    for &i in &order {
        let p = &pending[i];
        if lane != Some((p.pid, p.tid)) {
            stack.clear();
            lane = Some((p.pid, p.tid));
        }
        while let Some(&top) = stack.last() {
            if pending[top].end >= p.end && pending[top].start <= p.start {
                break;
            }
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    parent
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
