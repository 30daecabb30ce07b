//! String interning: every repeated string (names, keys, services, values) is stored once and
//! referred to by a 4-byte [`StrId`].

use crate::model::limits::cut_string;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::hash::{Hash, Hasher};

/// Index of an interned string in an [`Interner`]. `StrId::EMPTY` is the empty string.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct StrId(pub u32);

impl StrId {
    /// The empty string, present in every interner.
    pub const EMPTY: StrId = StrId(0);

    /// Whether this is the empty string.
    pub fn is_empty(self) -> bool {
        self == Self::EMPTY
    }
}

/// A deduplicating string table. Each distinct string is stored once; lookups hash the text and
/// compare against the stored copy, so keys are not duplicated in the hash table. A string
/// longer than [`crate::model::limits::MAX_STRING`] is stored cut (see [`cut_string`]), and counted.
#[derive(Clone, Debug)]
pub struct Interner {
    strings: Vec<Box<str>>,
    table: HashTable<u32>,
    cut: u32,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            strings: Vec::new(),
            table: HashTable::new(),
            cut: 0,
        };
        interner.intern("");
        interner
    }
}

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

impl Interner {
    /// Returns the id of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> StrId {
        match cut_string(s) {
            Some(cut) => {
                self.cut = self.cut.saturating_add(1);
                self.add(cut)
            }
            None => self.add(s),
        }
    }

    /// How many strings were cut at [`crate::model::limits::MAX_STRING`] since this was last asked.
    pub fn take_cut_count(&mut self) -> u32 {
        std::mem::take(&mut self.cut)
    }

    /// Takes in the strings of `other` (moved, not copied): what each of its ids is here.
    pub fn absorb(&mut self, other: Interner) -> Vec<StrId> {
        self.cut = self.cut.saturating_add(other.cut);
        other.strings.into_iter().map(|s| self.add(s)).collect()
    }

    /// The id of `s`, added (moved in) if it is new.
    fn add<S: AsRef<str> + Into<Box<str>>>(&mut self, s: S) -> StrId {
        self.index_all();
        let text = s.as_ref();
        let hash = hash_str(text);
        let strings = &self.strings;
        if let Some(&id) = self.table.find(hash, |&id| &*strings[id as usize] == text) {
            return StrId(id);
        }
        let id = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.into());
        let strings = &self.strings;
        self.table
            .insert_unique(hash, id, |&id| hash_str(&strings[id as usize]));
        StrId(id)
    }

    /// Indexes the strings that arrived without their table (a decoded interner is indexed only
    /// when something is interned into it: one that is only absorbed never is).
    fn index_all(&mut self) {
        let strings = &self.strings;
        for id in self.table.len()..strings.len() {
            self.table
                .insert_unique(hash_str(&strings[id]), id as u32, |&i| {
                    hash_str(&strings[i as usize])
                });
        }
    }

    /// The text of `id`. An id from another interner resolves to the empty string.
    pub fn resolve(&self, id: StrId) -> &str {
        self.strings.get(id.0 as usize).map_or("", |s| s)
    }
}

/// Only the strings travel; the hash table is rebuilt when first needed.
impl Serialize for Interner {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.strings.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Interner {
            strings: Vec::<Box<str>>::deserialize(d)?,
            table: HashTable::new(),
            cut: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::limits::MAX_STRING;

    #[test]
    fn interning_deduplicates_and_resolves() {
        let mut i = Interner::default();
        let a = i.intern("alpha");
        let b = i.intern("beta");
        assert_ne!(a, b);
        assert_eq!(i.intern("alpha"), a);
        assert_eq!(i.resolve(a), "alpha");
        assert_eq!(i.resolve(StrId::EMPTY), "");
        assert_eq!(i.intern(""), StrId::EMPTY);
        assert_eq!(i.resolve(b), "beta");
    }

    #[test]
    fn a_string_over_the_limit_is_stored_cut_and_counted() {
        let mut i = Interner::default();
        let long = "x".repeat(MAX_STRING + 1);
        let id = i.intern(&long);
        assert_eq!(i.resolve(id).len(), MAX_STRING);
        assert!(i.resolve(id).ends_with('…'));
        assert_eq!(i.intern(&long), id);
        assert_eq!(i.take_cut_count(), 2);
        assert_eq!(i.take_cut_count(), 0);
        i.intern("short");
        assert_eq!(i.take_cut_count(), 0);
    }

    #[test]
    fn absorbing_maps_each_id_to_the_same_text() {
        let mut a = Interner::default();
        let alpha = a.intern("alpha");
        let mut b = Interner::default();
        let (b_beta, b_alpha) = (b.intern("beta"), b.intern("alpha"));
        let map = a.absorb(b);
        assert_eq!(map[b_alpha.0 as usize], alpha);
        assert_eq!(a.resolve(map[b_beta.0 as usize]), "beta");
        assert_eq!(map[0], StrId::EMPTY);
        assert_eq!(a.intern("beta"), map[b_beta.0 as usize]);
    }

    #[test]
    fn a_decoded_interner_finds_its_strings_once_indexed_on_first_use() {
        let mut a = Interner::default();
        let (alpha, beta) = (a.intern("alpha"), a.intern("beta"));
        let json = serde_json::to_string(&a).unwrap();
        let mut decoded: Interner = serde_json::from_str(&json).unwrap();
        assert_eq!(decoded.resolve(beta), "beta");
        assert_eq!(decoded.intern("alpha"), alpha);
        assert_eq!(decoded.intern("gamma"), StrId(3));
        let mut c = Interner::default();
        let map = c.absorb(serde_json::from_str(&json).unwrap());
        assert_eq!(c.resolve(map[beta.0 as usize]), "beta");
        assert_eq!(c.intern("alpha"), map[alpha.0 as usize]);
    }
}
