//! A cursor that walks JSON text one object member or array element at a time. Importers use it
//! to step through a file's containers (requests, resources, scopes) and parse each record (a
//! span, an event) straight from its bytes into a typed struct: one pass, with the record's
//! place in the file known, and a bad record skipped with its position while the rest loads.

use crate::error::{ImportError, line_col, strip_serde_position};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A position in JSON text.
#[derive(Clone)]
pub(crate) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    /// The line number of `text` when it is one line of a larger file.
    line: Option<usize>,
}

/// An element that is well-formed JSON but not the record expected. Placed (line, column) only
/// when reported: counting lines is slow in a big file, and only the first few are reported.
pub(crate) struct BadRecord {
    base: usize,
    error: serde_json::Error,
}

/// Where a walk through an object's members or an array's elements stands.
#[derive(Clone, Copy)]
pub(crate) struct Walk {
    first: bool,
}

impl<'t> Cursor<'t> {
    /// A cursor at byte `pos` of `text`.
    pub fn new(text: &'t str, pos: usize) -> Self {
        Cursor {
            text,
            pos,
            line: None,
        }
    }

    /// A cursor at the start of `text`, line `number` (from 1) of a larger file.
    pub fn on_line(text: &'t str, number: usize) -> Self {
        Cursor {
            text,
            pos: 0,
            line: Some(number),
        }
    }

    /// Line and column (from 1, in bytes) of byte `offset`.
    fn place(&self, offset: usize) -> (usize, usize) {
        match self.line {
            Some(n) => (n, offset + 1),
            None => line_col(self.text, offset),
        }
    }

    /// A serde_json error met while parsing from byte `base`, placed in the whole text.
    fn json_error(&self, base: usize, err: &serde_json::Error) -> ImportError {
        let (base_line, base_col) = self.place(base);
        let (line, column) = if err.line() <= 1 {
            (base_line, base_col + err.column().saturating_sub(1))
        } else {
            (base_line + err.line() - 1, err.column())
        };
        ImportError::Json {
            line,
            column,
            message: strip_serde_position(&err.to_string()),
        }
    }

    /// What is wrong with a record the walk stepped over, and where.
    pub fn describe(&self, bad: &BadRecord) -> ImportError {
        self.json_error(bad.base, &bad.error)
    }

    /// Skips whitespace; the next byte, if any.
    pub fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// An error at the cursor: `what` was expected.
    pub fn expected(&mut self, what: &str) -> ImportError {
        let found = match self.peek() {
            None => "the end of the text".to_string(),
            Some(_) => {
                let rest = &self.text[self.pos..];
                let end = rest.char_indices().nth(12).map_or(rest.len(), |(i, _)| i);
                format!("{:?}", &rest[..end])
            }
        };
        let (line, column) = self.place(self.pos);
        ImportError::Json {
            line,
            column,
            message: format!("expected {what}, found {found}"),
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `null` if it comes next (an absent container).
    pub fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.text[self.pos..].starts_with("null") {
            self.pos += 4;
            true
        } else {
            false
        }
    }

    /// Enters an object.
    pub fn object(&mut self) -> Result<Walk, ImportError> {
        if self.eat(b'{') {
            Ok(Walk { first: true })
        } else {
            Err(self.expected("an object"))
        }
    }

    /// Enters an array.
    pub fn array(&mut self) -> Result<Walk, ImportError> {
        if self.eat(b'[') {
            Ok(Walk { first: true })
        } else {
            Err(self.expected("an array"))
        }
    }

    /// The next member's key, with the cursor left at its value; `None` after the last member.
    pub fn key(&mut self, walk: &mut Walk) -> Result<Option<crate::text::Text<'t>>, ImportError> {
        if self.eat(b'}') {
            return Ok(None);
        }
        if !std::mem::take(&mut walk.first) && !self.eat(b',') {
            return Err(self.expected("',' or '}'"));
        }
        if self.peek() != Some(b'"') {
            return Err(self.expected("a member name"));
        }
        let key = self.value()?;
        if self.eat(b':') {
            Ok(Some(key))
        } else {
            Err(self.expected("':'"))
        }
    }

    /// Whether another element follows, with the cursor left at it.
    pub fn item(&mut self, walk: &mut Walk) -> Result<bool, ImportError> {
        if self.eat(b']') {
            return Ok(false);
        }
        if !std::mem::take(&mut walk.first) && !self.eat(b',') {
            return Err(self.expected("',' or ']'"));
        }
        Ok(true)
    }

    /// Parses the value at the cursor as `T` and steps past it.
    pub fn value<T: Deserialize<'t>>(&mut self) -> Result<T, ImportError> {
        if self.peek().is_none() {
            return Err(self.expected("a value"));
        }
        self.parse().map_err(|e| self.json_error(self.pos, &e))
    }

    /// Parses the value at the cursor (after whitespace) as `T` and steps past it.
    fn parse<T: Deserialize<'t>>(&mut self) -> Result<T, serde_json::Error> {
        let mut values =
            serde_json::Deserializer::from_str(&self.text[self.pos..]).into_iter::<T>();
        let v = values.next().unwrap_or_else(|| {
            // Unreachable after `peek`; an end-of-input error all the same.
            serde_json::from_str::<T>("")
        })?;
        self.pos += values.byte_offset();
        Ok(v)
    }

    /// Steps past the value at the cursor; its text.
    pub fn skip(&mut self) -> Result<&'t str, ImportError> {
        self.value::<&'t RawValue>().map(RawValue::get)
    }

    /// Parses the value at the cursor as the record `T`; with the value's text. A value that
    /// is well-formed JSON but not a `T` is stepped over and comes back as a [`BadRecord`], so
    /// the caller can report it and go on; only text that is not JSON stops the walk.
    pub fn record<T: Deserialize<'t>>(
        &mut self,
    ) -> Result<(Result<T, BadRecord>, &'t str), ImportError> {
        if self.peek().is_none() {
            return Err(self.expected("a value"));
        }
        let start = self.pos;
        match self.parse::<T>() {
            Ok(v) => Ok((Ok(v), &self.text[start..self.pos])),
            Err(error) => {
                self.pos = start;
                let raw = self.skip()?;
                Ok((Err(BadRecord { base: start, error }), raw))
            }
        }
    }

    /// After the walk of `walk`'s container up to the cursor, finds the member named one of
    /// `names` further on and parses it, leaving this cursor where it is. For keys written
    /// after the records that need them (a resource after its spans).
    pub fn member_ahead<T: Deserialize<'t>>(
        &self,
        walk: Walk,
        names: &[&str],
    ) -> Result<Option<T>, ImportError> {
        let (mut ahead, mut walk) = (self.clone(), walk);
        ahead.skip()?;
        while let Some(key) = ahead.key(&mut walk)? {
            if names.contains(&&*key) {
                return ahead.value().map(Some);
            }
            ahead.skip()?;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;

    #[test]
    fn walks_members_and_items_and_parses_records_in_place() {
        let text = r#" {"a": [1, {"x": 2}, "bad", 3], "b": null, "c": {"k": "v"}} "#;
        let mut c = Cursor::new(text, 0);
        let mut m = c.object().unwrap();
        assert_eq!(c.key(&mut m).unwrap().as_deref(), Some("a"));
        let ahead: Option<Text> = c.member_ahead(m, &["c"]).unwrap_or(None);
        assert!(ahead.is_none(), "c is an object, not text");
        let mut items = c.array().unwrap();
        let mut seen = Vec::new();
        while c.item(&mut items).unwrap() {
            let (rec, raw) = c.record::<u32>().unwrap();
            seen.push((rec.ok(), raw));
        }
        assert_eq!(
            seen,
            [
                (Some(1), "1"),
                (None, r#"{"x": 2}"#),
                (None, r#""bad""#),
                (Some(3), "3")
            ]
        );
        assert_eq!(c.key(&mut m).unwrap().as_deref(), Some("b"));
        assert!(c.null());
        assert_eq!(c.key(&mut m).unwrap().as_deref(), Some("c"));
        assert_eq!(c.skip().unwrap(), r#"{"k": "v"}"#);
        assert!(c.key(&mut m).unwrap().is_none());
    }

    #[test]
    fn errors_say_where_and_what() {
        let text = "{\"a\": 1\n \"b\": 2}";
        let mut c = Cursor::new(text, 0);
        let mut m = c.object().unwrap();
        c.key(&mut m).unwrap();
        c.skip().unwrap();
        let err = c.key(&mut m).unwrap_err().to_string();
        assert!(
            err.starts_with("line 2, column 2: expected ',' or '}'"),
            "{err}"
        );
        let mut c = Cursor::new("[1, {\"x\": tru", 0);
        let mut items = c.array().unwrap();
        c.item(&mut items).unwrap();
        c.skip().unwrap();
        c.item(&mut items).unwrap();
        assert!(
            c.record::<u32>().is_err(),
            "text that is not JSON stops the walk"
        );
    }
}
