//! Cutting off what a builder has read, for a stream that reads more than memory holds: where
//! the file being read stands between two records (two lines of JSON Lines, two parts of an
//! OTLP/JSON document, two traces of a Jaeger or Zipkin file, two spans of an array of span
//! JSON), the traces that are done are built into a set of their own, and the
//! open ones move into a fresh builder that reads on. The walk through the document moves with
//! them, its resource and scope copied, so the next span lands where it would have. Offsets in
//! the file count on from the cut, so a streamed set's spans do not point into their file.

use super::feed::{FileFeed, Mode};
use super::otlp_json;
use crate::import::builder::TraceSetBuilder;
use crate::model::Format;
use crate::model::ids::TraceId;
use crate::model::set::TraceSet;

impl TraceSetBuilder {
    /// Whether the file `feed` reads stands between two records, where
    /// [`TraceSetBuilder::cut`] can cut: the formats walked record by record (see
    /// `between_records`), once their format is known, always do (what is pending is text not
    /// yet parsed).
    pub fn can_cut(&self, feed: &FileFeed) -> bool {
        between_records(feed).is_some()
    }

    /// Builds the traces read so far that `open` does not hold into a set, and reads on in a
    /// fresh builder holding the open ones. With `feed`, the file being read, only where it
    /// stands between two records ([`TraceSetBuilder::can_cut`]; `None` otherwise): the file
    /// counts among the set's files, and offsets in it count on from the cut. Without, between
    /// files or at the end of the input.
    pub fn cut(
        &mut self,
        feed: Option<&mut FileFeed>,
        open: impl Fn(TraceId) -> bool,
    ) -> Option<TraceSet> {
        if self.is_reopened() {
            return None;
        }
        let Some(feed) = feed else {
            let fresh = self.split_off(open, |_| {});
            return Some(std::mem::replace(self, fresh).finish());
        };
        let format = between_records(feed)?;
        let read = self.span_count() - feed.mark.spans + feed.mark.earlier;
        let mode = &mut feed.mode;
        let mut fresh = self.split_off(open, |carry| {
            if let Mode::Otlp(walk) = mode {
                otlp_json::renumber(walk, carry);
            }
        });
        feed.mark = fresh.mark();
        feed.mark.earlier = read;
        feed.shift += feed.base;
        feed.began = feed.began.saturating_sub(feed.base);
        feed.base = 0;
        self.name_source(&feed.name, format, false);
        std::mem::swap(self, &mut fresh);
        Some(fresh.finish())
    }
}

/// The file's format if it stands between two records. A JSON Lines file always does; so does
/// an OTLP/JSON document: its walk stops only between two of its parts (requests, resources,
/// scopes, spans), and holds no more of what it read than the resource and scope it is in,
/// which move with it. So do Jaeger and Zipkin files of many traces, whose walks stop only
/// between two traces and hold nothing, and arrays of span JSON, between two spans. Chrome traces (whose events pair up until the file
/// ends) and files gathered whole do not.
fn between_records(feed: &FileFeed) -> Option<Format> {
    match &feed.mode {
        _ if feed.failed() => None,
        Mode::Lines(..) => Some(Format::OtlpJsonLines),
        Mode::Otlp(_) => Some(Format::OtlpJson),
        Mode::Jaeger(_) => Some(Format::Jaeger),
        Mode::Zipkin(_) => Some(Format::Zipkin),
        Mode::Spans(format, _) => Some(*format),
        Mode::Chrome(_) | Mode::Starting | Mode::Whole => None,
    }
}
