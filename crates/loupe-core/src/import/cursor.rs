//! A cursor that walks JSON text one object member or array element at a time. Importers use it
//! to step through a file's containers (requests, resources, scopes) and parse each record (a
//! span, an event) straight from its bytes into a typed struct: one pass, with the record's
//! place in the file known, and a bad record skipped with its position while the rest loads.
//!
//! The text may be only what has arrived of a file so far: a step that runs into its end then
//! stops with [`Stop::More`], and is taken again, from where it began, once more has arrived.

use crate::import::error::{ImportError, json_error_from, line_col_from};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A position in JSON text.
#[derive(Clone)]
pub(crate) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    /// Line and column (from 1) of the text's first byte in its file.
    origin: (usize, usize),
    /// Whether the text runs to the end of the file (else more may follow).
    whole: bool,
    /// Whether the text is one line (columns are then counted from its start).
    one_line: bool,
}

/// Why a step stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The text ran out before the step could finish: more of the file is needed.
    More,
    /// The text is not what the format needs, here.
    Bad(ImportError),
}

impl From<ImportError> for Stop {
    fn from(e: ImportError) -> Stop {
        Stop::Bad(e)
    }
}

/// An element that is well-formed JSON but not the record expected. Placed (line, column) only
/// when reported: counting lines is slow in a big file, and only the first few are reported.
pub(crate) struct BadRecord {
    base: usize,
    error: serde_json::Error,
}

/// Where a walk through an object's members or an array's elements stands.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Walk {
    first: bool,
}

impl Walk {
    /// A walk past the container's first member or element.
    pub fn going() -> Walk {
        Walk { first: false }
    }

    /// Whether the walk is past the container's first member or element.
    pub fn is_going(self) -> bool {
        !self.first
    }
}

impl<'t> Cursor<'t> {
    /// A cursor at byte `pos` of `text`, a whole file.
    pub fn new(text: &'t str, pos: usize) -> Self {
        Cursor {
            text,
            pos,
            origin: (1, 1),
            whole: true,
            one_line: false,
        }
    }

    /// A cursor at the start of `text`, line `number` (from 1) of a larger file, whole.
    pub fn on_line(text: &'t str, number: usize) -> Self {
        Cursor {
            text,
            pos: 0,
            origin: (number, 1),
            whole: true,
            one_line: true,
        }
    }

    /// A cursor at the start of `text`, the part of a file that has arrived and is not yet
    /// read, which starts at line and column `origin`; `whole` if the file ends with it.
    pub fn part(text: &'t str, origin: (usize, usize), whole: bool) -> Self {
        Cursor {
            text,
            pos: 0,
            origin,
            whole,
            one_line: false,
        }
    }

    /// The byte offset the cursor stands at.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor back to `pos` (where a step that stopped began).
    pub fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Line and column (from 1, in bytes) of byte `offset`.
    fn place(&self, offset: usize) -> (usize, usize) {
        if self.one_line {
            (self.origin.0, offset + 1)
        } else {
            line_col_from(self.origin, self.text, offset)
        }
    }

    /// A serde_json error met while parsing from byte `base`, placed in the whole text.
    fn json_error(&self, base: usize, err: &serde_json::Error) -> ImportError {
        json_error_from(self.place(base), err)
    }

    /// A serde_json error as a stop: more text needed, if it ran into the end of a part.
    fn stop(&self, base: usize, err: &serde_json::Error) -> Stop {
        if err.is_eof() && !self.whole {
            Stop::More
        } else {
            Stop::Bad(self.json_error(base, err))
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

    /// Whether the cursor is at the end of the file (not only of the text arrived so far).
    pub fn at_end(&mut self) -> Result<bool, Stop> {
        match (self.peek(), self.whole) {
            (Some(_), _) => Ok(false),
            (None, true) => Ok(true),
            (None, false) => Err(Stop::More),
        }
    }

    /// Stops at the cursor: `what` was expected (or more text is needed to tell).
    pub fn expected(&mut self, what: &str) -> Stop {
        let found = match self.peek() {
            None if !self.whole => return Stop::More,
            None => "the end of the text".to_string(),
            Some(_) => {
                let rest = &self.text[self.pos..];
                let end = rest.char_indices().nth(12).map_or(rest.len(), |(i, _)| i);
                format!("{:?}", &rest[..end])
            }
        };
        let (line, column) = self.place(self.pos);
        Stop::Bad(ImportError::Json {
            line,
            column,
            message: format!("expected {what}, found {found}"),
        })
    }

    /// Checks that the value at the cursor has arrived whole, leaving the cursor at its start:
    /// a walk that adds a record (a trace) only once all of it is there adds nothing in a step
    /// that stops. In a whole file it has, and is not skimmed.
    pub fn arrived_whole(&mut self) -> Result<(), Stop> {
        if self.whole {
            return Ok(());
        }
        let at = self.pos;
        self.skip()?;
        self.pos = at;
        Ok(())
    }

    /// Stops at the cursor: what stands here cannot be read, for `why`.
    pub fn refuse(&mut self, why: &str) -> Stop {
        self.peek();
        let (line, column) = self.place(self.pos);
        Stop::Bad(ImportError::Json {
            line,
            column,
            message: why.to_string(),
        })
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
    pub fn null(&mut self) -> Result<bool, Stop> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        let rest = &self.text[self.pos..];
        if rest.starts_with("null") {
            self.pos += 4;
            Ok(true)
        } else if rest.len() < 4 && !self.whole {
            Err(Stop::More)
        } else {
            Ok(false)
        }
    }

    /// Enters an object.
    pub fn object(&mut self) -> Result<Walk, Stop> {
        if self.eat(b'{') {
            Ok(Walk { first: true })
        } else {
            Err(self.expected("an object"))
        }
    }

    /// Enters an array.
    pub fn array(&mut self) -> Result<Walk, Stop> {
        if self.eat(b'[') {
            Ok(Walk { first: true })
        } else {
            Err(self.expected("an array"))
        }
    }

    /// The next member's key, with the cursor left at its value; `None` after the last member.
    pub fn key(&mut self, walk: &mut Walk) -> Result<Option<crate::model::json::Text<'t>>, Stop> {
        if self.eat(b'}') {
            return Ok(None);
        }
        if !walk.first && !self.eat(b',') {
            return Err(self.expected("',' or '}'"));
        }
        if self.peek() != Some(b'"') {
            return Err(self.expected("a member name"));
        }
        let key = self.value()?;
        if self.eat(b':') {
            walk.first = false;
            Ok(Some(key))
        } else {
            Err(self.expected("':'"))
        }
    }

    /// Whether another element follows, with the cursor left at it.
    pub fn item(&mut self, walk: &mut Walk) -> Result<bool, Stop> {
        if self.eat(b']') {
            return Ok(false);
        }
        if !walk.first && !self.eat(b',') {
            return Err(self.expected("',' or ']'"));
        }
        walk.first = false;
        Ok(true)
    }

    /// Parses the value at the cursor as `T` and steps past it.
    pub fn value<T: Deserialize<'t>>(&mut self) -> Result<T, Stop> {
        if self.peek().is_none() {
            return Err(self.expected("a value"));
        }
        let start = self.pos;
        self.parse().map_err(|e| self.stop(start, &e))
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
    pub fn skip(&mut self) -> Result<&'t str, Stop> {
        self.value::<&'t RawValue>().map(RawValue::get)
    }

    /// Parses the value at the cursor as the record `T`; with the value's text. A value that
    /// is well-formed JSON but not a `T` is stepped over and comes back as a [`BadRecord`], so
    /// the caller can report it and go on; only text that is not JSON stops the walk.
    pub fn record<T: Deserialize<'t>>(&mut self) -> Result<(Result<T, BadRecord>, &'t str), Stop> {
        if self.peek().is_none() {
            return Err(self.expected("a value"));
        }
        let start = self.pos;
        match self.parse::<T>() {
            Ok(v) => Ok((Ok(v), &self.text[start..self.pos])),
            Err(error) if error.is_eof() && !self.whole => {
                self.pos = start;
                Err(Stop::More)
            }
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
    ) -> Result<Option<T>, Stop> {
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

impl<'t> Cursor<'t> {
    /// Walks the object at the cursor: `each` gets each member's key with the cursor at its
    /// value, and steps past the value. `null` is an object with no members.
    pub fn members(
        &mut self,
        mut each: impl FnMut(&str, &mut Self) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        if self.null()? {
            return Ok(());
        }
        let mut walk = self.object()?;
        while let Some(key) = self.key(&mut walk)? {
            each(&key, self)?;
        }
        Ok(())
    }

    /// Whether the object at the cursor has a member named one of `names`, leaving this cursor
    /// where it is. Reads its members only up to the first such name.
    pub fn has_member(&self, names: &[&str]) -> bool {
        self.which_member(names).is_some()
    }

    /// Which of `names` comes first among the members of the object at the cursor (`None` if
    /// none does, or the value is not an object), leaving this cursor where it is. Reads its
    /// members only up to that name.
    pub fn which_member<'n>(&self, names: &[&'n str]) -> Option<&'n str> {
        let mut ahead = self.clone();
        let mut walk = ahead.object().ok()?;
        while let Ok(Some(key)) = ahead.key(&mut walk) {
            if let Some(name) = names.iter().find(|n| **n == &*key) {
                return Some(name);
            }
            ahead.skip().ok()?;
        }
        None
    }
}

/// What a step of a walk does to the stack of containers it is in.
pub(crate) enum Next<F> {
    /// Stays in the container, its state now this.
    Stay(F),
    /// Stays in the container (its state now the first) and enters the second.
    Enter(F, F),
    /// Leaves the container.
    Leave,
    /// Ends the walk: the document stops here (a Chrome event array left open).
    Finish,
}

/// A walk through one format's documents, as a stack of the containers it is in (innermost
/// last), each a small state: the walk can stop wherever the text runs out and go on later.
pub(crate) trait Walker {
    /// Where the walk stands in one container.
    type Frame: Copy;
    /// Where a walk begins: at the document's value.
    const START: Self::Frame;
    /// Takes one step in the innermost container `frame`: reads what it needs first, and
    /// changes the set only once it has read it, so that a step that stops can be taken again.
    fn step<'t>(
        &mut self,
        ctx: &mut super::Context,
        cur: &mut Cursor<'t>,
        frame: Self::Frame,
    ) -> Result<Next<Self::Frame>, Stop>;
    /// Ends the walk of a document: builds what waited for all of it, reports what was skipped.
    fn finish(self, ctx: &mut super::Context);
}

/// Walks from the cursor until the stack is empty (the document is read), or the text runs out
/// ([`Stop::More`], with the cursor at the start of the step to take again).
fn walk<W: Walker>(
    walker: &mut W,
    ctx: &mut super::Context,
    cur: &mut Cursor,
    stack: &mut Vec<W::Frame>,
) -> Result<(), Stop> {
    while let Some(&frame) = stack.last() {
        let at = cur.pos();
        match walker.step(ctx, cur, frame) {
            Ok(Next::Stay(f)) => {
                stack.pop();
                stack.push(f);
            }
            Ok(Next::Enter(f, inner)) => {
                stack.pop();
                stack.push(f);
                stack.push(inner);
            }
            Ok(Next::Leave) => {
                stack.pop();
            }
            Ok(Next::Finish) => stack.clear(),
            Err(stop) => {
                cur.reset(at);
                return Err(stop);
            }
        }
    }
    Ok(())
}

/// The walk through one document, which may arrive in parts: the walker and the stack of
/// containers it is in.
#[derive(Serialize, Deserialize)]
#[serde(bound(
    serialize = "W: Serialize, W::Frame: Serialize",
    deserialize = "W: Deserialize<'de>, W::Frame: Deserialize<'de>"
))]
pub(crate) struct DocumentWalk<W: Walker> {
    walker: W,
    stack: Vec<W::Frame>,
}

impl<W: Walker> DocumentWalk<W> {
    /// A walk from the start of a document.
    pub fn new(walker: W) -> Self {
        DocumentWalk {
            walker,
            stack: vec![W::START],
        }
    }

    /// A walk that stands inside the containers `stack` (outermost first).
    pub fn within(walker: W, stack: Vec<W::Frame>) -> Self {
        DocumentWalk { walker, stack }
    }

    /// The containers the walk stands in, outermost first.
    pub fn stack(&self) -> &[W::Frame] {
        &self.stack
    }

    /// The walker and the containers, to change.
    pub fn parts_mut(&mut self) -> (&mut W, &mut [W::Frame]) {
        (&mut self.walker, &mut self.stack)
    }

    /// Starts again at a new document's start, keeping what the walker gathered.
    pub fn restart(&mut self) {
        self.stack = vec![W::START];
    }

    /// The walker, with what it gathered.
    pub fn walker(&self) -> &W {
        &self.walker
    }

    /// Walks the text at the cursor: `true` once the document's value is read, `false` when
    /// more of it is needed (the cursor then stands where the walk goes on).
    pub fn part(
        &mut self,
        ctx: &mut super::Context,
        cur: &mut Cursor,
    ) -> Result<bool, ImportError> {
        match walk(&mut self.walker, ctx, cur, &mut self.stack) {
            Ok(()) => Ok(true),
            Err(Stop::More) => Ok(false),
            Err(Stop::Bad(e)) => Err(e),
        }
    }

    /// Ends the walk (see [`Walker::finish`]).
    pub fn finish(self, ctx: &mut super::Context) {
        self.walker.finish(ctx);
    }
}

/// How one element of an array of records is read, by an [`EachElement`] walk.
pub(crate) trait ReadElement {
    /// Reads the element at the cursor and steps past it, changing the set only once it has
    /// read all it needs (a step that stops is taken again).
    fn read(ctx: &mut super::Context, cur: &mut Cursor) -> Result<(), Stop>;
}

/// Where an [`EachElement`] walk stands.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) enum ArrayFrame {
    /// At the document's value: the array.
    Document,
    /// In the array.
    Items(Walk),
}

/// A walk through a document that is an array of records, each read alone by `R`: it holds
/// nothing between two records, so a stream can cut between them.
#[derive(Serialize, Deserialize)]
pub(crate) struct EachElement<R>(std::marker::PhantomData<R>);

impl<R> Default for EachElement<R> {
    fn default() -> Self {
        EachElement(std::marker::PhantomData)
    }
}

impl<R: ReadElement> EachElement<R> {
    /// A walk from the start of the document.
    pub fn document() -> DocumentWalk<EachElement<R>> {
        DocumentWalk::new(EachElement::default())
    }
}

impl<R: ReadElement> Walker for EachElement<R> {
    type Frame = ArrayFrame;
    const START: ArrayFrame = ArrayFrame::Document;

    fn finish(self, _ctx: &mut super::Context) {}

    fn step<'t>(
        &mut self,
        ctx: &mut super::Context,
        cur: &mut Cursor<'t>,
        frame: ArrayFrame,
    ) -> Result<Next<ArrayFrame>, Stop> {
        let mut w = match frame {
            ArrayFrame::Document => return Ok(Next::Stay(ArrayFrame::Items(cur.array()?))),
            ArrayFrame::Items(w) => w,
        };
        if !cur.item(&mut w)? {
            return Ok(Next::Leave);
        }
        R::read(ctx, cur)?;
        Ok(Next::Stay(ArrayFrame::Items(w)))
    }
}

/// Imports a whole text with `walker`: only whitespace may follow the document.
pub(crate) fn import_whole<W: Walker>(
    ctx: &mut super::Context,
    walker: W,
) -> Result<(), ImportError> {
    let mut walk = DocumentWalk::new(walker);
    let mut cur = Cursor::new(ctx.text, 0);
    walk.part(ctx, &mut cur)?;
    expect_end(&mut cur)?;
    walk.finish(ctx);
    Ok(())
}

/// Reads a whole text with `read`, which starts at its first byte and steps past its one
/// value. Only whitespace may follow that value.
pub(crate) fn read_whole<'t>(
    ctx: &mut super::Context<'_, 't>,
    read: impl FnOnce(&mut super::Context<'_, 't>, &mut Cursor<'t>) -> Result<(), Stop>,
) -> Result<(), ImportError> {
    let mut cur = Cursor::new(ctx.text, 0);
    match read(ctx, &mut cur) {
        Ok(()) => expect_end(&mut cur),
        Err(Stop::Bad(e)) => Err(e),
        Err(Stop::More) => Err(ImportError::Empty),
    }
}

/// Reads a whole text that is an array, one element at a time, or one value alone: `read`
/// parses the element (or the value) at the cursor and steps past it.
pub(crate) fn each_element<'t>(
    ctx: &mut super::Context<'_, 't>,
    mut read: impl FnMut(&mut super::Context<'_, 't>, &mut Cursor<'t>) -> Result<(), Stop>,
) -> Result<(), ImportError> {
    read_whole(ctx, |ctx, cur| {
        if cur.peek() != Some(b'[') {
            return read(ctx, cur);
        }
        let mut items = cur.array()?;
        while cur.item(&mut items)? {
            read(ctx, cur)?;
        }
        Ok(())
    })
}

/// Reads a whole text that is one object, one member at a time: `read` gets each member's key
/// with the cursor at its value, and steps past the value.
pub(crate) fn each_member<'t>(
    ctx: &mut super::Context<'_, 't>,
    mut read: impl FnMut(&mut super::Context<'_, 't>, &str, &mut Cursor<'t>) -> Result<(), Stop>,
) -> Result<(), ImportError> {
    read_whole(ctx, |ctx, cur| cur.members(|key, cur| read(ctx, key, cur)))
}

/// Checks that only whitespace follows a whole document's value.
pub(crate) fn expect_end(cur: &mut Cursor) -> Result<(), ImportError> {
    match cur.at_end() {
        Ok(true) => Ok(()),
        Ok(false) | Err(_) => match cur.expected("the end of the document") {
            Stop::Bad(e) => Err(e),
            Stop::More => Err(ImportError::Empty),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::json::Text;

    #[test]
    fn walks_members_and_items_and_parses_records_in_place() {
        let text = r#" {"a": [1, {"x": 2}, "bad", 3], "b": null, "c": {"k": "v"}} "#;
        let mut c = Cursor::new(text, 0);
        let mut m = c.object().unwrap();
        assert_eq!(c.key(&mut m).unwrap().as_deref(), Some("a"));
        let ahead = c.member_ahead::<Text>(m, &["c"]);
        assert!(ahead.is_err(), "c is an object, not text");
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
        assert!(c.null().unwrap());
        assert_eq!(c.key(&mut m).unwrap().as_deref(), Some("c"));
        assert_eq!(c.skip().unwrap(), r#"{"k": "v"}"#);
        assert!(c.key(&mut m).unwrap().is_none());
        assert!(c.at_end().unwrap());
    }

    #[test]
    fn errors_say_where_and_what() {
        let text = "{\"a\": 1\n \"b\": 2}";
        let mut c = Cursor::new(text, 0);
        let mut m = c.object().unwrap();
        c.key(&mut m).unwrap();
        c.skip().unwrap();
        let Err(Stop::Bad(err)) = c.key(&mut m) else {
            panic!("a missing comma is an error");
        };
        let err = err.to_string();
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
            matches!(c.record::<u32>(), Err(Stop::Bad(_))),
            "text that is not JSON stops the walk"
        );
    }

    #[test]
    fn a_part_of_a_file_asks_for_more_where_it_runs_out_and_places_errors_in_the_file() {
        let mut c = Cursor::part("[1, {\"x\": tru", (3, 5), false);
        let mut items = c.array().unwrap();
        c.item(&mut items).unwrap();
        c.skip().unwrap();
        c.item(&mut items).unwrap();
        c.peek();
        let at = c.pos();
        assert!(matches!(c.record::<u32>(), Err(Stop::More)));
        assert_eq!(
            c.pos(),
            at,
            "a stopped step leaves the cursor where it began"
        );
        assert!(matches!(c.at_end(), Ok(false)));
        let mut c = Cursor::part("nu", (1, 1), false);
        assert!(matches!(c.null(), Err(Stop::More)));
        let mut c = Cursor::part("{\"a\" 1}", (3, 5), false);
        let mut m = c.object().unwrap();
        let Err(Stop::Bad(err)) = c.key(&mut m) else {
            panic!("a missing colon is an error");
        };
        assert!(err.to_string().starts_with("line 3, column 10:"), "{err}");
    }
}
