//! Notes pinned to traces and spans ("this retriever call returns stale docs"). They are kept in
//! this browser's localStorage under the trace's and span's ids, so they come back when the same
//! files are dropped again, and they travel in session bundles.

use leptos::prelude::*;
use loupe_core::bundle::Note;

/// Where notes are kept in the browser.
const NOTES_KEY: &str = "loupe.notes";

/// Every note this browser holds, for all traces ever opened.
#[derive(Clone, Copy)]
pub struct Notes(RwSignal<Vec<Note>>);

impl Notes {
    /// The notes saved in this browser (none where the saved list no longer reads).
    pub fn load() -> Notes {
        Notes(RwSignal::new(
            crate::kept::get(NOTES_KEY).unwrap_or_default(),
        ))
    }

    /// Saves the notes; where this browser keeps nothing (private mode, full storage), they
    /// last until the tab closes.
    fn save(&self) {
        self.0.with_untracked(|n| crate::kept::set(NOTES_KEY, n));
    }

    /// Pins `notes`, leaving out empty ones and those already pinned.
    pub fn add(&self, notes: impl IntoIterator<Item = Note>) {
        let mut changed = false;
        self.0.update(|all| {
            for note in notes {
                if !note.text.trim().is_empty() && !all.contains(&note) {
                    all.push(note);
                    changed = true;
                }
            }
        });
        if changed {
            self.save();
        }
    }

    /// Unpins `note`.
    pub fn remove(&self, note: &Note) {
        self.0.update(|all| all.retain(|n| n != note));
        self.save();
    }

    /// The notes of trace `trace_id`, trace notes first, in the order they were pinned.
    pub fn of_trace(&self, trace_id: &str) -> Vec<Note> {
        let mut notes: Vec<Note> = self.0.with(|all| {
            all.iter()
                .filter(|n| n.trace == trace_id)
                .cloned()
                .collect()
        });
        notes.sort_by_key(|n| n.span.is_some());
        notes
    }

    /// Every note, for a bundle (which keeps those of the traces it holds).
    pub fn all(&self) -> Vec<Note> {
        self.0.get()
    }
}
