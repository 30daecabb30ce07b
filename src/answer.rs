//! Engine answers kept in signals: a view says what it asks, and the answer is asked again
//! whenever what the request reads changes (and after each load, as the figures change); an
//! answer to an older request that comes late is dropped.

use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response};

/// The engine's answer to `request()` (nothing is asked while it gives `None`), taken out of
/// the response by `pick`, and the error of the last request that failed.
pub fn answer<T: Send + Sync + 'static>(
    request: impl Fn() -> Option<Request> + 'static,
    pick: fn(Response) -> Option<T>,
) -> (ReadSignal<Option<T>>, ReadSignal<Option<String>>) {
    let state = expect_context::<AppState>();
    let (value, set_value) = signal(None::<T>);
    let (error, set_error) = signal(None::<String>);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        state.figures.track();
        let Some(request) = request() else {
            return;
        };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let response = worker_client::ask(request).await;
            if asked.try_get_value() != Some(n) {
                return;
            }
            match response {
                Ok(r) => {
                    set_value.try_set(pick(r));
                    set_error.try_set(None);
                }
                Err(e) => {
                    set_error.try_set(Some(e));
                }
            }
        });
    });
    (value, error)
}
