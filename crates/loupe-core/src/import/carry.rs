//! Moving chosen traces out of a builder into a fresh one, to read on with: their spans with
//! every row they own (attributes, events, links, tags, usage, resources), their scores and
//! what their file recorded for them. Strings and resources are copied as the moved rows use
//! them, so the fresh builder holds nothing of the traces left behind. Streaming cuts what it
//! has read this way: the traces that are done stay and are built, the open ones move on.

use crate::import::builder::{NO_RESOURCE, TraceSetBuilder};
use crate::model::ids::TraceId;
use crate::model::set::{NO_SPAN, SpanColumns};
use crate::model::strings::StrId;
use crate::model::{AttrValue, Rows};
use std::collections::HashMap;

/// A string of the old builder not yet copied.
const UNSET: StrId = StrId(u32::MAX);

/// Copies rows of one builder into another, remembering what it copied.
pub(crate) struct Carry<'a> {
    from: &'a TraceSetBuilder,
    pub(crate) to: TraceSetBuilder,
    strings: Vec<StrId>,
    resources: HashMap<u32, u32>,
}

impl<'a> Carry<'a> {
    /// A copy into a fresh builder that knows `from`'s files.
    pub(crate) fn new(from: &'a TraceSetBuilder) -> Self {
        let mut to = TraceSetBuilder::new();
        to.copy_sources(from);
        to.next_synthetic = from.next_synthetic;
        Carry {
            from,
            to,
            strings: Vec::new(),
            resources: HashMap::new(),
        }
    }

    /// The copy of string `id`.
    pub(crate) fn str(&mut self, id: StrId) -> StrId {
        if id.is_empty() {
            return id;
        }
        let at = id.0 as usize;
        if self.strings.len() <= at {
            self.strings.resize(at + 1, UNSET);
        }
        if self.strings[at] == UNSET {
            self.strings[at] = self.to.strings.intern(self.from.strings.resolve(id));
        }
        self.strings[at]
    }

    /// The copy of resource row `row`.
    pub(crate) fn resource(&mut self, row: u32) -> u32 {
        if row == NO_RESOURCE {
            return row;
        }
        if let Some(&done) = self.resources.get(&row) {
            return done;
        }
        let rows = self.from.resources.get(row as usize).copied();
        let copied = self.attrs(rows.unwrap_or_default());
        let new = self.to.resources.len() as u32;
        self.to.resources.push(copied);
        self.resources.insert(row, new);
        new
    }

    fn value(&mut self, v: AttrValue) -> AttrValue {
        match v {
            AttrValue::Str(s) => AttrValue::Str(self.str(s)),
            AttrValue::Bytes(s) => AttrValue::Bytes(self.str(s)),
            AttrValue::Json(s) => AttrValue::Json(self.str(s)),
            v => v,
        }
    }

    /// Copies attribute rows.
    fn attrs(&mut self, rows: Rows) -> Rows {
        let start = self.to.attr_len();
        for i in rows.range() {
            let key = self.str(self.from.attrs.key[i]);
            let value = self.value(self.from.attrs.value[i]);
            self.to.attrs.key.push(key);
            self.to.attrs.value.push(value);
        }
        Rows {
            start,
            end: self.to.attr_len(),
        }
    }

    fn events(&mut self, rows: Rows) -> Rows {
        let start = self.to.event_len();
        for i in rows.range() {
            let name = self.str(self.from.events.name[i]);
            let attrs = self.attrs(self.from.events.attrs[i]);
            let e = &mut self.to.events;
            e.time.push(self.from.events.time[i]);
            e.name.push(name);
            e.attrs.push(attrs);
        }
        Rows {
            start,
            end: self.to.event_len(),
        }
    }

    fn links(&mut self, rows: Rows) -> Rows {
        let start = self.to.link_len();
        for i in rows.range() {
            let attrs = self.attrs(self.from.links.attrs[i]);
            let l = &mut self.to.links;
            l.trace_id.push(self.from.links.trace_id[i]);
            l.span_id.push(self.from.links.span_id[i]);
            l.attrs.push(attrs);
        }
        Rows {
            start,
            end: self.to.link_len(),
        }
    }

    fn tags(&mut self, rows: Rows) -> Rows {
        let start = self.to.tags.len() as u32;
        for i in rows.range() {
            let tag = self.str(self.from.tags[i]);
            self.to.tags.push(tag);
        }
        Rows {
            start,
            end: self.to.tags.len() as u32,
        }
    }

    /// Copies span row `i`.
    pub(crate) fn span(&mut self, i: usize) {
        // Named one by one: a column added to the model must be copied here too.
        let SpanColumns {
            trace_id,
            span_id,
            id_text,
            parent_id,
            name,
            service,
            scope,
            resource,
            otel_kind,
            kind,
            status,
            status_message,
            start,
            end,
            attrs,
            events,
            links,
            raw,
            flags,
            model,
            provider,
            session,
            user,
            tags,
            usage,
        } = &self.from.spans;
        let copied = (
            self.str(id_text[i]),
            self.str(name[i]),
            self.str(service[i]),
            self.str(scope[i]),
            self.resource(resource[i]),
            self.str(status_message[i]),
        );
        let (id_text_c, name_c, service_c, scope_c, resource_c, status_message_c) = copied;
        let (attrs_c, events_c, links_c) = (
            self.attrs(attrs[i]),
            self.events(events[i]),
            self.links(links[i]),
        );
        let (model_c, provider_c, session_c, user_c) = (
            self.str(model[i]),
            self.str(provider[i]),
            self.str(session[i]),
            self.str(user[i]),
        );
        let tags_c = self.tags(tags[i]);
        let usage_c = match usage[i] {
            NO_SPAN => NO_SPAN,
            u => {
                self.to.usages.push(self.from.usages[u as usize]);
                self.to.usages.len() as u32 - 1
            }
        };
        let c = &mut self.to.spans;
        c.trace_id.push(trace_id[i]);
        c.span_id.push(span_id[i]);
        c.id_text.push(id_text_c);
        c.parent_id.push(parent_id[i]);
        c.name.push(name_c);
        c.service.push(service_c);
        c.scope.push(scope_c);
        c.resource.push(resource_c);
        c.otel_kind.push(otel_kind[i]);
        c.kind.push(kind[i]);
        c.status.push(status[i]);
        c.status_message.push(status_message_c);
        c.start.push(start[i]);
        c.end.push(end[i]);
        c.attrs.push(attrs_c);
        c.events.push(events_c);
        c.links.push(links_c);
        c.raw.push(raw[i]);
        c.flags.push(flags[i]);
        c.model.push(model_c);
        c.provider.push(provider_c);
        c.session.push(session_c);
        c.user.push(user_c);
        c.tags.push(tags_c);
        c.usage.push(usage_c);
    }

    /// Copies the scores and the recorded trace facts of the traces `moved` says.
    pub(crate) fn trace_records(&mut self, moved: &impl Fn(TraceId) -> bool) {
        for s in self.from.scores.iter().filter(|s| moved(s.trace_id)) {
            let mut s = s.clone();
            s.name = self.str(s.name);
            s.comment = self.str(s.comment);
            s.source = self.str(s.source);
            if let crate::model::scores::ScoreValue::Label(l) = s.value {
                s.value = crate::model::scores::ScoreValue::Label(self.str(l));
            }
            self.to.scores.push(s);
        }
        let facts = self.from.trace_facts.iter();
        for f in facts.filter(|f| f.trace_id.is_some_and(moved)) {
            let mut f = f.clone();
            f.session = self.str(f.session);
            f.user = self.str(f.user);
            f.tags = f.tags.iter().map(|&t| self.str(t)).collect();
            self.to.trace_facts.push(f);
        }
    }
}

impl crate::import::merge::Renumber for Carry<'_> {
    fn str(&mut self, id: StrId) -> StrId {
        Carry::str(self, id)
    }

    fn resource(&mut self, row: u32) -> u32 {
        Carry::resource(self, row)
    }
}

impl TraceSetBuilder {
    /// Moves the traces `moved` says into a fresh builder, which it returns; this one keeps
    /// the others. `also(carry)` copies, before the rows are dropped, whatever else the fresh
    /// builder must know of this one.
    pub(crate) fn split_off(
        &mut self,
        moved: impl Fn(TraceId) -> bool,
        also: impl FnOnce(&mut Carry),
    ) -> TraceSetBuilder {
        let rows = self.span_count();
        let (mut kept, mut gone) = (Vec::with_capacity(rows), Vec::new());
        for (i, &t) in self.spans.trace_id.iter().enumerate() {
            match moved(t) {
                true => gone.push(i),
                false => kept.push(i as u32),
            }
        }
        let mut carry = Carry::new(self);
        for &i in &gone {
            carry.span(i);
        }
        carry.trace_records(&moved);
        also(&mut carry);
        let fresh = carry.to;
        if !gone.is_empty() {
            self.spans.permute(&kept);
            self.scores.retain(|s| !moved(s.trace_id));
            self.trace_facts.retain(|f| !f.trace_id.is_some_and(&moved));
        }
        fresh
    }
}

impl TraceSetBuilder {
    /// The traces scores and recorded trace facts are about.
    pub(crate) fn record_traces(&self) -> impl Iterator<Item = TraceId> + '_ {
        let scores = self.scores.iter().map(|s| s.trace_id);
        scores.chain(self.trace_facts.iter().filter_map(|f| f.trace_id))
    }

    /// Drops the spans, scores and trace facts of file `source`; returns how many of the first
    /// `before` rows are left.
    pub(crate) fn forget_source(&mut self, source: u32, before: usize) -> usize {
        let kept: Vec<u32> = (0..self.span_count() as u32)
            .filter(|&i| self.spans.raw[i as usize].source != source)
            .collect();
        let left = kept.iter().take_while(|&&i| (i as usize) < before).count();
        self.spans.permute(&kept);
        self.scores.retain(|s| s.file != source);
        self.trace_facts.retain(|f| f.file != source);
        left
    }
}
