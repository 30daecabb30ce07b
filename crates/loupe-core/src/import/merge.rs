//! Joining what several parsers read of one file, each a part of it: a part's builder is taken
//! into the builder that read the part before it, its strings re-interned and its rows moved
//! past this one's. A part that began inside a resource's and a scope's spans did not know
//! them: its spans carry placeholders, filled in from the part before.

use crate::import::builder::{FileReport, NO_RESOURCE, TraceSetBuilder};
use crate::import::error::ImportError;
use crate::model::diagnostics::Diagnostics;
use crate::model::ids::SpanId;
use crate::model::set::NO_SPAN;
use crate::model::strings::StrId;
use crate::model::{AttrValue, RawRef, Rows, SpanFlags};

/// The resource row a part gives the resource it began inside of.
pub(crate) const UNKNOWN_RESOURCE: u32 = u32::MAX - 1;
/// The service a part gives the resource it began inside of.
pub(crate) const UNKNOWN_SERVICE: StrId = StrId(u32::MAX);
/// The scope a part gives the scope it began inside of.
pub(crate) const UNKNOWN_SCOPE: StrId = StrId(u32::MAX - 1);

/// What the spans of a part that began inside a resource's spans take from the part before.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inherited {
    pub resource: u32,
    pub service: StrId,
    pub scope: StrId,
}

/// How a part's ids and rows become the joined builder's.
pub(crate) struct Remap {
    strings: Vec<StrId>,
    inherited: Inherited,
    resources: u32,
}

impl Remap {
    /// A string id of the part.
    pub fn str(&self, id: StrId) -> StrId {
        match id {
            UNKNOWN_SERVICE => self.inherited.service,
            UNKNOWN_SCOPE => self.inherited.scope,
            id => self
                .strings
                .get(id.0 as usize)
                .copied()
                .unwrap_or(StrId::EMPTY),
        }
    }

    /// A resource row of the part.
    pub fn resource(&self, row: u32) -> u32 {
        match row {
            NO_RESOURCE => NO_RESOURCE,
            UNKNOWN_RESOURCE => self.inherited.resource,
            row => row + self.resources,
        }
    }

    fn value(&self, v: AttrValue) -> AttrValue {
        match v {
            AttrValue::Str(s) => AttrValue::Str(self.str(s)),
            AttrValue::Bytes(s) => AttrValue::Bytes(self.str(s)),
            AttrValue::Json(s) => AttrValue::Json(self.str(s)),
            v => v,
        }
    }
}

/// New ids for the strings and resource rows of one builder, in another.
pub(crate) trait Renumber {
    /// The new id of string `id`.
    fn str(&mut self, id: StrId) -> StrId;
    /// The new row of resource `row`.
    fn resource(&mut self, row: u32) -> u32;
}

impl Renumber for &Remap {
    fn str(&mut self, id: StrId) -> StrId {
        Remap::str(self, id)
    }

    fn resource(&mut self, row: u32) -> u32 {
        Remap::resource(self, row)
    }
}

/// Rows moved `by` further down their table.
fn moved(rows: Rows, by: u32) -> Rows {
    Rows {
        start: rows.start + by,
        end: rows.end + by,
    }
}

impl TraceSetBuilder {
    /// Whether `part` holds only what a part of a file read on its own holds: spans and their
    /// rows (no scores, no trace facts, no bundle), and no file of its own.
    pub(crate) fn is_plain_part(&self) -> bool {
        self.scores.is_empty()
            && self.trace_facts.is_empty()
            && self.bundle_extras.is_empty()
            && self.next_source().is_ok_and(|s| s == 0)
    }

    /// Appends what `part` read, as read from file `source`: its spans follow this builder's.
    pub(crate) fn absorb(
        &mut self,
        part: TraceSetBuilder,
        source: u32,
        inherited: Inherited,
    ) -> Remap {
        let attrs = self.attr_len();
        let events = self.event_len();
        let links = self.link_len();
        let tags = self.tags.len() as u32;
        let usages = self.usages.len() as u32;
        let synthetic = self.next_synthetic;
        let map = Remap {
            strings: self.strings.absorb(part.strings),
            inherited,
            resources: self.resources.len() as u32,
        };
        let (c, p) = (&mut self.spans, part.spans);
        c.trace_id.extend(p.trace_id);
        c.span_id
            .extend(p.span_id.iter().zip(&p.flags).map(|(&id, flags)| {
                match flags.0 & SpanFlags::SYNTHETIC_ID {
                    0 => id,
                    _ => SpanId(id.0 - synthetic),
                }
            }));
        c.id_text.extend(p.id_text.iter().map(|&s| map.str(s)));
        c.parent_id.extend(p.parent_id);
        c.name.extend(p.name.iter().map(|&s| map.str(s)));
        c.service.extend(p.service.iter().map(|&s| map.str(s)));
        c.scope.extend(p.scope.iter().map(|&s| map.str(s)));
        c.resource
            .extend(p.resource.iter().map(|&r| map.resource(r)));
        c.otel_kind.extend(p.otel_kind);
        c.kind.extend(p.kind);
        c.status.extend(p.status);
        c.status_message
            .extend(p.status_message.iter().map(|&s| map.str(s)));
        c.start.extend(p.start);
        c.end.extend(p.end);
        c.attrs.extend(p.attrs.iter().map(|&r| moved(r, attrs)));
        c.events.extend(p.events.iter().map(|&r| moved(r, events)));
        c.links.extend(p.links.iter().map(|&r| moved(r, links)));
        c.raw.extend(p.raw.iter().map(|&r| RawRef { source, ..r }));
        c.flags.extend(p.flags);
        c.model.extend(p.model.iter().map(|&s| map.str(s)));
        c.provider.extend(p.provider.iter().map(|&s| map.str(s)));
        c.session.extend(p.session.iter().map(|&s| map.str(s)));
        c.user.extend(p.user.iter().map(|&s| map.str(s)));
        c.tags.extend(p.tags.iter().map(|&r| moved(r, tags)));
        c.usage.extend(p.usage.iter().map(|&u| match u {
            NO_SPAN => NO_SPAN,
            u => u + usages,
        }));
        self.attrs
            .key
            .extend(part.attrs.key.iter().map(|&k| map.str(k)));
        self.attrs
            .value
            .extend(part.attrs.value.iter().map(|&v| map.value(v)));
        self.events.time.extend(part.events.time);
        self.events
            .name
            .extend(part.events.name.iter().map(|&s| map.str(s)));
        self.events
            .attrs
            .extend(part.events.attrs.iter().map(|&r| moved(r, attrs)));
        self.links.trace_id.extend(part.links.trace_id);
        self.links.span_id.extend(part.links.span_id);
        self.links
            .attrs
            .extend(part.links.attrs.iter().map(|&r| moved(r, attrs)));
        self.resources
            .extend(part.resources.iter().map(|&r| moved(r, attrs)));
        self.tags.extend(part.tags.iter().map(|&s| map.str(s)));
        self.usages.extend(part.usages);
        self.next_synthetic += part.next_synthetic;
        map
    }
}

impl TraceSetBuilder {
    /// Adds the one file `read` read on its own (a Parquet file, in the page decoded by a
    /// worker of its own) as file `name`, as if this builder had read it: its spans follow this
    /// builder's, and its problems are the file's.
    pub fn add_read(
        &mut self,
        name: &str,
        mut read: TraceSetBuilder,
    ) -> Result<FileReport, ImportError> {
        let format = match read.sources() {
            [file] if !file.removed => file.format,
            _ => return Err(ImportError::Parquet("the decoder read no file".into())),
        };
        if !(read.scores.is_empty() && read.trace_facts.is_empty() && read.bundle_extras.is_empty())
        {
            // No format read on its own brings them yet; none is dropped unsaid.
            return Err(ImportError::Parquet(
                "the decoder read scores or trace facts, which are not joined".into(),
            ));
        }
        let source = self.next_source()?;
        let mark = self.mark();
        let mut diags = Diagnostics::default();
        diags.absorb(read.take_diagnostics(), source);
        let inherited = Inherited {
            resource: NO_RESOURCE,
            service: StrId::EMPTY,
            scope: StrId::EMPTY,
        };
        self.absorb(read, source, inherited);
        self.settle(name, format, Box::default(), &mark, diags, Ok(()))
    }
}
