//! Zipkin v2 JSON: an array of spans (each parsed once, straight from its bytes), a single
//! span object, or an array of traces, each an array of spans (what Zipkin's
//! `/api/v2/traces` returns). Times are microseconds. An array of traces is walked one trace
//! at a time ([`TraceElement`]), so it can be read as it arrives and cut between two traces.
//!
//! Zipkin lets a client and a server share one span id (the server half is marked `shared`).
//! Loupe keeps every record as a span: the first record of an id keeps it, and a later record
//! with the same id (the other half of an RPC) becomes its child under a derived id, showing
//! the original id. Children naming a shared id attach to the half of their own service.
//!
//! Clock skew between hosts is corrected as Zipkin's UI does it (see `correct_clock_skew`), and
//! each correction is reported.

use super::Context;
use super::cursor::{Cursor, EachElement, ReadElement, Stop, each_element, import_whole};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::strings::StrId;
use crate::model::{AttrValue, OtelKind, Rows, StatusCode};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default, rename = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "parentId")]
    parent_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    kind: Option<Text<'a>>,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(default)]
    duration: Option<i64>,
    #[serde(borrow, default, rename = "localEndpoint")]
    local: Option<Endpoint<'a>>,
    #[serde(borrow, default, rename = "remoteEndpoint")]
    remote: Option<Endpoint<'a>>,
    #[serde(borrow, default)]
    annotations: Option<Vec<Annotation<'a>>>,
    #[serde(borrow, default)]
    tags: Option<BTreeMap<Text<'a>, Text<'a>>>,
    #[serde(default)]
    shared: Option<bool>,
}

#[derive(Deserialize)]
struct Endpoint<'a> {
    #[serde(borrow, default, rename = "serviceName")]
    service_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    ipv4: Option<Text<'a>>,
    #[serde(borrow, default)]
    ipv6: Option<Text<'a>>,
    #[serde(default)]
    port: Option<i64>,
}

#[derive(Deserialize)]
struct Annotation<'a> {
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
}

/// A record that parsed, with its ids resolved.
struct Record<'a> {
    raw: &'a str,
    span: Span<'a>,
    trace: TraceId,
    id: SpanId,
    id_text: Text<'a>,
}

/// Micro- to nanoseconds, saturating.
fn us(v: i64) -> i64 {
    v.saturating_mul(1000)
}

/// A stable id for the second (third, …) record sharing `id`.
fn derived(id: SpanId, n: usize) -> SpanId {
    SpanId(id.0.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(n as u64 + 1))
}

fn service_of<'s>(span: &'s Span<'_>) -> &'s str {
    span.local
        .as_ref()
        .and_then(|e| e.service_name.as_deref())
        .unwrap_or("")
}

/// Imports a Zipkin array of spans (or one span), each parsed once, straight from its bytes,
/// or an array of traces, one trace at a time.
pub(crate) fn import_elements(ctx: &mut Context) -> Result<(), ImportError> {
    if is_list_of_traces(ctx.text) {
        return import_whole(ctx, EachElement::<TraceElement>::default());
    }
    let mut records: Vec<Record> = Vec::new();
    each_element(ctx, |ctx, cur| push_span(ctx, cur, &mut records))?;
    import_records(ctx, records)
}

/// Whether a text is an array whose first element is an array (of spans): a list of traces.
pub(crate) fn is_list_of_traces(text: &str) -> bool {
    let mut cur = Cursor::new(text, 0);
    cur.array()
        .and_then(|mut items| cur.item(&mut items))
        .is_ok_and(|more| more && cur.peek() == Some(b'['))
}

/// Parses the span at the cursor into `records` (a bad one is reported and skipped).
fn push_span<'t>(
    ctx: &mut Context,
    cur: &mut Cursor<'t>,
    records: &mut Vec<Record<'t>>,
) -> Result<(), Stop> {
    if let Some((span, raw)) = ctx.record::<Span>(cur)?
        && let Some(r) = with_ids(ctx, span, raw)
    {
        records.push(r);
    }
    Ok(())
}

/// One trace of an array of traces, read whole, then its records linked and added: an array
/// of traces is walked trace by trace ([`EachElement`]). An element that is a span rather than
/// an array of them is a trace of its own.
pub(crate) struct TraceElement;

impl ReadElement for TraceElement {
    fn read(ctx: &mut Context, cur: &mut Cursor) -> Result<(), Stop> {
        cur.arrived_whole()?;
        let mut records = Vec::new();
        if cur.peek() == Some(b'[') {
            let mut spans = cur.array()?;
            while cur.item(&mut spans)? {
                push_span(ctx, cur, &mut records)?;
            }
        } else {
            push_span(ctx, cur, &mut records)?;
        }
        import_records(ctx, records)?;
        Ok(())
    }
}

/// Links the records to their parents (the halves of a shared id apart), corrects clock skew,
/// and adds them.
fn import_records(ctx: &mut Context, mut records: Vec<Record>) -> Result<(), ImportError> {
    // Which record keeps each id (a record not marked shared, where there is one), and the
    // halves that share it.
    let mut first_of: HashMap<(TraceId, SpanId), usize> = HashMap::new();
    let mut halves: Vec<Option<SpanId>> = vec![None; records.len()];
    let mut by_service: HashMap<(TraceId, SpanId, &str), SpanId> = HashMap::new();
    let mut shared_count = 0;
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records[i].span.shared == Some(true));
    for i in order {
        let r = &records[i];
        let key = (r.trace, r.id);
        match first_of.get(&key) {
            None => {
                first_of.insert(key, i);
                by_service.insert((r.trace, r.id, service_of(&r.span)), r.id);
            }
            Some(_) => {
                shared_count += 1;
                let own = derived(r.id, shared_count);
                halves[i] = Some(own);
                by_service.insert((r.trace, r.id, service_of(&r.span)), own);
            }
        }
    }
    let mut links: Vec<(SpanId, Option<SpanId>)> = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let link = match halves[i] {
            Some(own) => (own, Some(r.id)),
            None => {
                let parent = r
                    .span
                    .parent_id
                    .as_deref()
                    .and_then(|p| SpanId::parse_or_derive(p).0)
                    .map(|p| {
                        by_service
                            .get(&(r.trace, p, service_of(&r.span)))
                            .copied()
                            .unwrap_or(p)
                    });
                (r.id, parent)
            }
        };
        links.push(link);
    }
    correct_clock_skew(ctx, &mut records, &links);
    for (r, (own_id, parent)) in records.iter().zip(links) {
        push_record(ctx, r, own_id, parent);
    }
    Ok(())
}

/// Corrects clock skew the way Zipkin does: a server span that does not fit inside its client
/// span (the hosts' clocks disagree) is moved, with its descendants on the same host, to sit in
/// the middle of the client span. Parents are corrected before their children.
fn correct_clock_skew(
    ctx: &mut Context,
    records: &mut [Record],
    links: &[(SpanId, Option<SpanId>)],
) {
    let index: HashMap<(TraceId, SpanId), usize> = records
        .iter()
        .zip(links)
        .enumerate()
        .map(|(i, (r, (own, _)))| ((r.trace, *own), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); records.len()];
    let mut roots = Vec::new();
    for (i, (r, (_, parent))) in records.iter().zip(links).enumerate() {
        match parent.and_then(|p| index.get(&(r.trace, p))) {
            Some(&p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let is = |r: &Record, kind: &str| r.span.kind.as_deref() == Some(kind);
    let mut stack: Vec<(usize, Option<usize>)> = roots.into_iter().map(|r| (r, None)).collect();
    let mut visited = vec![false; records.len()];
    while let Some((i, parent)) = stack.pop() {
        if std::mem::replace(&mut visited[i], true) {
            continue;
        }
        if let Some(p) = parent {
            let (client, server) = (&records[p], &records[i]);
            if is(client, "CLIENT")
                && is(server, "SERVER")
                && let Some(skew) = skew_of(&client.span, &server.span)
            {
                shift_host_subtree(records, &children, i, skew);
                let (name, service) = (
                    records[i].span.name.as_deref().unwrap_or("").to_string(),
                    service_of(&records[i].span).to_string(),
                );
                ctx.diags
                    .report(Some(ctx.source), DiagnosticKind::ClockSkew, || {
                        format!(
                            "span '{name}' ({service}) did not fit inside its client span: its \
                             host's clock was off, so it was moved {} µs {} with its descendants \
                             on the same host",
                            skew.unsigned_abs(),
                            if skew > 0 { "earlier" } else { "later" }
                        )
                    });
            }
        }
        stack.extend(children[i].iter().map(|&c| (c, Some(i))));
    }
}

/// How far (µs) a server span's clock is ahead of its client's, when the server span does not
/// fit inside the client span and can be centred in it; else `None`.
fn skew_of(client: &Span, server: &Span) -> Option<i64> {
    let (cs, cd) = (client.timestamp?, client.duration?);
    let (ss, sd) = (server.timestamp?, server.duration.unwrap_or(0));
    let fits = ss >= cs && ss.saturating_add(sd) <= cs.saturating_add(cd);
    let latency = (cd - sd) / 2;
    if fits || latency < 0 {
        return None;
    }
    Some(ss - (cs + latency))
}

/// Moves span `i` and its descendants on the same host back by `skew` µs.
fn shift_host_subtree(records: &mut [Record], children: &[Vec<usize>], i: usize, skew: i64) {
    let host = service_of(&records[i].span).to_string();
    let mut stack = vec![i];
    while let Some(j) = stack.pop() {
        let span = &mut records[j].span;
        span.timestamp = span.timestamp.map(|t| t - skew);
        for a in span.annotations.iter_mut().flatten() {
            a.timestamp = a.timestamp.map(|t| t - skew);
        }
        stack.extend(
            children[j]
                .iter()
                .copied()
                .filter(|&c| service_of(&records[c].span) == host),
        );
    }
}

/// A span with its ids resolved; `None` (reported) if it has none.
fn with_ids<'a>(ctx: &mut Context, span: Span<'a>, raw: &'a str) -> Option<Record<'a>> {
    let ids = span.trace_id.as_deref().zip(span.id.clone()).map(|(t, s)| {
        (
            TraceId::parse_or_derive(t).0,
            SpanId::parse_or_derive(&s).0,
            s,
        )
    });
    match ids {
        Some((Some(trace), Some(id), id_text)) => Some(Record {
            raw,
            span,
            trace,
            id,
            id_text,
        }),
        _ => {
            let name = span.name.as_deref().unwrap_or("").to_string();
            ctx.skip_span(raw, &name, "it has no traceId or id");
            None
        }
    }
}

fn push_str_attr(ctx: &mut Context, key: &str, value: &str, probe: Option<&mut LlmProbe>) {
    let k = ctx.builder.intern(key);
    let v = AttrValue::Str(ctx.builder.intern(value));
    ctx.builder.push_attr(k, v, probe);
}

fn push_endpoint(ctx: &mut Context, e: &Endpoint, prefix: &str) {
    if let Some(s) = e.service_name.as_deref() {
        let key = if prefix == "net.host" {
            "service.name"
        } else {
            "peer.service"
        };
        push_str_attr(ctx, key, s, None);
    }
    if let Some(ip) = e.ipv4.as_deref().or(e.ipv6.as_deref()) {
        push_str_attr(ctx, &format!("{prefix}.ip"), ip, None);
    }
    if let Some(port) = e.port {
        let k = ctx.builder.intern(&format!("{prefix}.port"));
        ctx.builder.push_attr(k, AttrValue::Int(port), None);
    }
}

fn push_record(ctx: &mut Context, r: &Record, own_id: SpanId, parent: Option<SpanId>) {
    let span = &r.span;
    let resource_start = ctx.builder.attr_len();
    if let Some(local) = &span.local {
        push_endpoint(ctx, local, "net.host");
    }
    let resource = ctx.builder.push_resource(Rows {
        start: resource_start,
        end: ctx.builder.attr_len(),
    });

    let mut probe = LlmProbe::default();
    let mut status = StatusCode::Unset;
    let mut status_message = StrId::EMPTY;
    let attrs_start = ctx.builder.attr_len();
    for (k, v) in span.tags.iter().flatten() {
        push_str_attr(ctx, k, v, Some(&mut probe));
        if &**k == "error" {
            status = StatusCode::Error;
            if !v.is_empty() && &**v != "true" {
                status_message = ctx.builder.intern(v);
            }
        }
    }
    if let Some(remote) = &span.remote {
        push_endpoint(ctx, remote, "net.peer");
    }
    if span.shared == Some(true) {
        let k = ctx.builder.intern("zipkin.shared");
        ctx.builder.push_attr(k, AttrValue::Bool(true), None);
    }
    let attrs = Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    };

    let events_start = ctx.builder.event_len();
    for a in span.annotations.iter().flatten() {
        let name = ctx.builder.intern(a.value.as_deref().unwrap_or(""));
        let empty = Rows {
            start: ctx.builder.attr_len(),
            end: ctx.builder.attr_len(),
        };
        ctx.builder.push_event(a.timestamp.map(us), name, empty);
    }
    let events = Rows {
        start: events_start,
        end: ctx.builder.event_len(),
    };

    let start = span.timestamp.map(us);
    let end = start.map(|s| s.saturating_add(us(span.duration.unwrap_or(0))));
    let otel_kind = span
        .kind
        .as_deref()
        .and_then(OtelKind::from_name)
        .unwrap_or_default();
    let id_text = if own_id == r.id && SpanId::parse(&r.id_text).is_ok() {
        StrId::EMPTY
    } else {
        ctx.builder.intern(&r.id_text)
    };
    let service = ctx.builder.intern(service_of(span));
    let name = ctx.builder.intern(span.name.as_deref().unwrap_or(""));
    let links = Rows {
        start: ctx.builder.link_len(),
        end: ctx.builder.link_len(),
    };
    let draft = SpanDraft {
        trace_id: Some(r.trace),
        span_id: Some(own_id),
        id_text,
        parent_id: parent,
        name,
        service,
        resource,
        otel_kind,
        status,
        status_message,
        start,
        end,
        attrs,
        events,
        links,
        raw: ctx.raw_ref(r.raw),
        facts: probe.finish(),
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bad_span_of_an_array_is_skipped_at_its_place_and_the_rest_loads() {
        let text = concat!(
            "[\n",
            r#"{"traceId":"a1","id":"b1","name":"one","timestamp":1000,"duration":5},"#,
            "\n",
            r#"{"traceId":"a1","id":"b2","name":"two","timestamp":"soon"},"#,
            "\n",
            r#"{"traceId":"a1","id":"b3","parentId":"b1","name":"three","timestamp":1001}"#,
            "\n]"
        );
        let set = crate::import(text.as_bytes(), "z.json").unwrap();
        assert_eq!(set.span_count(), 2);
        crate::import::tests::assert_skipped_on_line(&set, 3);
        let cut = &text[..text.len() - 30];
        let err = crate::import(cut.as_bytes(), "z.json").map(|s| s.span_count());
        assert!(
            err.as_ref()
                .is_err_and(|e| e.to_string().contains("line 4")),
            "{err:?}"
        );
    }
}
