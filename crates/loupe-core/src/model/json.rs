//! JSON helpers every layer shares: a string that borrows from the input when it has no escapes
//! and owns its text only when it must (serde's own `Cow<str>` always allocates outside a
//! derived struct field), an object's members read without parsing their values, and where a
//! slice of a text lies in it. The module imports nothing else of the crate.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A string read from JSON, borrowed where possible.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Orders and hashes as its text, so maps keyed by `Text` can be searched by `&str`.
impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An object's members, unparsed.
pub(crate) type Members<'a> = Vec<(Text<'a>, &'a RawValue)>;

/// Parses the members of an object given as raw JSON.
pub(crate) fn object_members<'a>(raw: &'a str) -> Result<Members<'a>, serde_json::Error> {
    use serde::de::{Deserializer as _, MapAccess, Visitor};
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(Text<'de>, &'de RawValue)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = map.next_key::<Text<'de>>()? {
                out.push((k, map.next_value::<&'de RawValue>()?));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    let members = (&mut de).deserialize_map(Members)?;
    de.end()?;
    Ok(members)
}

/// Byte offset of `inner` (a slice of `outer`) within `outer`.
pub(crate) fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_borrow_and_escaped_ones_own() {
        let t: Text = serde_json::from_str(r#""plain""#).unwrap();
        assert!(matches!(t.0, Cow::Borrowed("plain")));
        let t: Text = serde_json::from_str(r#""line\nbreak""#).unwrap();
        assert!(matches!(t.0, Cow::Owned(ref s) if s == "line\nbreak"));
    }
}

/// Whether a character changes how text around it shows without showing itself: bidirectional
/// controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width characters (U+200B–D,
/// U+2060, U+FEFF) and control characters other than line breaks and tabs (NUL and its kin).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2060}'
            | '\u{FEFF}'
    ) || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
}

/// Text from a file as it is shown: every invisible or bidirectional control character written
/// out as `⟨U+202E⟩`, so that a span name cannot disguise itself. Other text is unchanged.
pub fn shown(s: &str) -> String {
    if !s.chars().any(is_invisible) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    #[test]
    fn invisible_and_bidirectional_characters_are_written_out() {
        assert_eq!(shown("admin\u{202E}gpj.exe"), "admin⟨U+202E⟩gpj.exe");
        assert_eq!(
            shown("a\u{200B}b\u{FEFF}c\u{0}d"),
            "a⟨U+200B⟩b⟨U+FEFF⟩c⟨U+0000⟩d"
        );
        assert_eq!(shown("\u{2066}x\u{2069}"), "⟨U+2066⟩x⟨U+2069⟩");
        for plain in ["plain", "line one\nline two\tindented", "zoë 用户 🙂", ""] {
            assert_eq!(shown(plain), plain);
        }
    }
}
