//! The parsing worker's side of the engine protocol: it holds the engine over the loaded set and
//! the price overrides the page last sent, and answers a request's bytes with the answer's. A
//! span's JSON, for a file read as it arrived (its text not held), is read again from the file.
//! Plain Rust, so a wasm test drives it as the worker does.

use loupe_core::engine::{Engine, RAW_SHOWN, Request, Response, prices_with};
use loupe_core::pricing::PriceTable;
use loupe_core::{RawRef, TraceSet};

/// Reads the bytes of a place in a loaded file again (from the file itself): its text, up to
/// the last whole character.
pub type RawReader = Box<dyn Fn(RawRef) -> Option<String>>;

/// What the worker keeps between messages.
#[derive(Default)]
pub struct EngineHost {
    engine: Option<Engine>,
    prices: Option<String>,
    raw: Option<RawReader>,
}

/// Said when a request comes before any set is loaded, or after the worker lost it.
pub const NOTHING_HELD: &str =
    "the background parser no longer holds the loaded files: drop them again";

impl EngineHost {
    /// Answers `request` (its binary form) with the answer's binary form.
    pub fn answer(&mut self, request: &[u8]) -> Vec<u8> {
        let response = match Request::decode(request) {
            Err(e) => Response::Failed(e.to_string()),
            Ok(request) => {
                if let Request::Prices(json) = &request {
                    self.prices = Some(json.clone());
                }
                match self.engine.as_mut() {
                    Some(engine) => {
                        let span = match request {
                            Request::SpanDetail(i) | Request::SpanJson(i) => Some(i),
                            _ => None,
                        };
                        let mut response = engine.handle(request);
                        // The span's JSON, where the file's text is not held: read again. Only
                        // an answer about the span says that it exists.
                        let answered =
                            matches!(response, Response::SpanDetail(_) | Response::SpanJson(_));
                        let place = span
                            .filter(|_| answered)
                            .map(|i| engine.set().span(i).raw_ref());
                        match (&mut response, place, &self.raw) {
                            (Response::SpanDetail(d), Some(place), Some(read))
                                if d.raw.is_empty() =>
                            {
                                let end = place.end.min(place.start.saturating_add(RAW_SHOWN));
                                let head = RawRef { end, ..place };
                                d.raw = loupe_core::shown(&read(head).unwrap_or_default());
                            }
                            (Response::SpanJson(json), Some(place), Some(read))
                                if json.is_empty() =>
                            {
                                *json = read(place).unwrap_or_default();
                            }
                            _ => {}
                        }
                        response
                    }
                    // Nothing is loaded: the prices are kept for the first load.
                    None if matches!(request, Request::Prices(_)) => Response::Done,
                    None => Response::Failed(NOTHING_HELD.into()),
                }
            }
        };
        response.encode()
    }

    /// Answers for `set` from now on, with the prices last sent (its calls priced once).
    pub fn hold(&mut self, set: TraceSet) {
        let prices = self
            .prices
            .as_deref()
            .and_then(|json| prices_with(json).ok())
            .unwrap_or_else(PriceTable::builtin);
        self.engine = Some(Engine::with_prices(set, prices));
    }

    /// Reads spans' JSON from their files with `read`, where a file's text is not held.
    pub fn read_raw_with(&mut self, read: RawReader) {
        self.raw = Some(read);
    }

    /// The set held, if any.
    pub fn set(&self) -> Option<&TraceSet> {
        self.engine.as_ref().map(Engine::set)
    }

    /// Gives up the set held (to read its files again beside new ones, or to forget them).
    pub fn release(&mut self) -> Option<TraceSet> {
        self.engine.take().map(Engine::into_set)
    }
}
