//! Redaction: what a shared bundle leaves out or disguises.
//!
//! - Message contents (prompts, completions, tool arguments and results, retrieved documents)
//!   are dropped unless asked for; token counts, timings, models and structure stay.
//! - Personal data and secrets in what is kept are masked: e-mail addresses, phone numbers,
//!   IPv4/IPv6 addresses, card numbers (Luhn-checked), API keys and bearer tokens (`sk-…`,
//!   `AKIA…`, `ghp_…`, JWTs), URLs' query strings, and user names in file paths.
//! - User, session and other ids are replaced by salted hashes: distinct but unreadable.
//! - Attributes can be kept by an allowlist or dropped by a denylist.
//!
//! What is off is excluded: sharing a sensitive part is opt-in.

use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// What to keep and what to disguise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactOptions {
    /// Keep message contents (prompts, completions, tool arguments and results, documents).
    pub keep_messages: bool,
    /// Mask personal data and secrets in what is kept.
    pub mask_pii: bool,
    /// Replace user, session and custom ids by salted hashes.
    pub hash_ids: bool,
    /// Keep only attributes with these keys (or key prefixes ending in `.`), when given.
    pub allow_keys: Option<Vec<String>>,
    /// Drop attributes with these keys (or key prefixes ending in `.`).
    pub deny_keys: Vec<String>,
}

impl Default for RedactOptions {
    /// The share dialog's defaults: messages dropped, personal data masked, ids hashed.
    fn default() -> Self {
        RedactOptions {
            keep_messages: false,
            mask_pii: true,
            hash_ids: true,
            allow_keys: None,
            deny_keys: Vec::new(),
        }
    }
}

/// How much each option removed, for the preview and the bundle's record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionCounts {
    /// Message texts (attributes and events carrying them) dropped.
    pub message_texts: u64,
    /// Other attributes dropped by the allow- or denylist.
    pub attributes_dropped: u64,
    /// E-mail addresses masked.
    pub emails: u64,
    /// Phone numbers masked.
    pub phone_numbers: u64,
    /// IP addresses masked.
    pub ip_addresses: u64,
    /// Card numbers masked.
    pub card_numbers: u64,
    /// API keys, bearer tokens and JWTs masked.
    pub secrets: u64,
    /// URL query strings masked.
    pub url_queries: u64,
    /// User names in file paths masked.
    pub path_user_names: u64,
    /// Ids replaced by hashes.
    pub ids_hashed: u64,
}

impl RedactionCounts {
    /// Adds what another redaction removed.
    pub fn add(&mut self, more: &RedactionCounts) {
        self.message_texts += more.message_texts;
        self.attributes_dropped += more.attributes_dropped;
        self.emails += more.emails;
        self.phone_numbers += more.phone_numbers;
        self.ip_addresses += more.ip_addresses;
        self.card_numbers += more.card_numbers;
        self.secrets += more.secrets;
        self.url_queries += more.url_queries;
        self.path_user_names += more.path_user_names;
        self.ids_hashed += more.ids_hashed;
    }

    /// The non-zero counts as phrases ("412 message texts", "37 emails").
    pub fn phrases(&self) -> Vec<String> {
        [
            (self.message_texts, "message text", "message texts"),
            (
                self.attributes_dropped,
                "attribute dropped",
                "attributes dropped",
            ),
            (self.emails, "email", "emails"),
            (self.phone_numbers, "phone number", "phone numbers"),
            (self.ip_addresses, "IP address", "IP addresses"),
            (self.card_numbers, "card number", "card numbers"),
            (self.secrets, "API key or token", "API keys or tokens"),
            (self.url_queries, "URL query", "URL queries"),
            (
                self.path_user_names,
                "user name in a path",
                "user names in paths",
            ),
            (self.ids_hashed, "id hashed", "ids hashed"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect()
    }
}

/// Attribute keys (or prefixes, ending in `.`) that carry message contents.
const MESSAGE_KEYS: &[&str] = &[
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.prompt",
    "gen_ai.completion",
    "gen_ai.prompt.",
    "gen_ai.completion.",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "gen_ai.retrieval.documents",
    "gen_ai.retrieval.query.text",
    "llm.input_messages.",
    "llm.output_messages.",
    "llm.prompts",
    "llm.prompt_template.variables",
    "input.value",
    "output.value",
    "retrieval.documents.",
    "reranker.input_documents.",
    "reranker.output_documents.",
    "reranker.query",
    "embedding.embeddings.",
    "tool.parameters",
    "tool_call.function.arguments",
    "mlflow.spanInputs",
    "mlflow.spanOutputs",
    "mlflow.traceInputs",
    "mlflow.traceOutputs",
    "inputs",
    "outputs",
    "input",
    "output",
    "metadata",
    "toolCalls",
    "request_body",
    "response_body",
    "ai.prompt",
    "ai.prompt.messages",
    "ai.prompt.tools",
    "ai.response.text",
    "ai.response.toolCalls",
    "ai.response.object",
    "ai.toolCall.args",
    "ai.toolCall.result",
    "ai.values",
    "ai.embeddings",
    "pydantic_ai.all_messages",
    "final_result",
    "traceloop.entity.input",
    "traceloop.entity.output",
    "langfuse.observation.input",
    "langfuse.observation.output",
    "langfuse.trace.input",
    "langfuse.trace.output",
];

/// Event names that carry message contents.
fn is_message_event(name: &str) -> bool {
    matches!(name, "data.input" | "data.output" | "gen_ai.choice")
        || name.starts_with("gen_ai.content.")
        || (name.starts_with("gen_ai.") && name.ends_with(".message"))
        || name.starts_with("mlflow.chunk")
}

fn matches_key(key: &str, list: &[impl AsRef<str>]) -> bool {
    list.iter().any(|k| {
        let k = k.as_ref();
        if k.ends_with('.') {
            key.starts_with(k)
        } else {
            key == k
        }
    })
}

/// Whether an attribute key names a user, session, conversation or other personal id.
pub fn is_id_key(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    let last = last.replace('_', "");
    matches!(
        key,
        "user.id" | "session.id" | "enduser.id" | "gen_ai.conversation.id" | "thread.id"
    ) || [
        "userid",
        "sessionid",
        "customerid",
        "accountid",
        "tenantid",
        "conversationid",
        "threadid",
        "user",
        "sessionname",
    ]
    .iter()
    .any(|k| last == *k)
}

struct Patterns {
    jwt: Regex,
    secret: Regex,
    bearer: Regex,
    url_query: Regex,
    email: Regex,
    card: Regex,
    phone: Regex,
    ipv6: Regex,
    ipv4: Regex,
    path_user: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("pattern {p}: {e}"));
        Patterns {
            jwt: re(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
            secret: re(
                r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})",
            ),
            bearer: re(r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})"),
            // A query ends where prose would end it: a space, a quote, a bracket or brace.
            url_query: re(r#"(://[^\s?#"'<>\\\[\]{}|`]+)\?[^\s#"'<>\\\[\]{}|`]+"#),
            // Addresses in any script (`zoë@exemple.fr`, `用户@例子.公司`): a part is a run of
            // characters that cannot separate an address from its text; the top-level domain
            // has no digit, so `pkg@1.2.3` stays.
            email: re(
                r#"[^\s@<>()\[\]{},;:"'`=/\\|]+@[^\s@<>()\[\]{},;:"'`=/\\|.?#&!%+*$^~]+(?:\.[^\s@<>()\[\]{},;:"'`=/\\|.?#&!%+*$^~]+)*\.[^\s\d@<>()\[\]{},;:"'`=/\\|.?#&!%+*$^~_-]{2,}"#,
            ),
            // 13 to 19 digits: alone, in groups of four (spaces or dashes), or Amex's 4-6-5.
            card: re(
                r"\b(?:\d{4}(?: \d{4}){2} \d{1,4}(?: \d{1,3})?|\d{4}(?:-\d{4}){2}-\d{1,4}(?:-\d{1,3})?|\d{4} \d{6} \d{4,5}|\d{4}-\d{6}-\d{4,5}|\d{13,19})\b",
            ),
            phone: re(r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,4}\b"),
            ipv6: re(
                r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?\b|::1\b",
            ),
            ipv4: re(r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b"),
            path_user: re(r"(/home/|/Users/|(?:[A-Za-z]:)?\\+Users\\+)([^/\\\s:]+)"),
        }
    })
}

/// Whether the digits of `s` pass the Luhn check (card numbers do).
fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether a number that ends at byte `end` of `text` runs on as a dotted number (`1.0.0.1`).
fn dotted_after(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit)
}

/// The longest start of the card-shaped candidate at `start..end` of `text` (cut where a group
/// ends) that is 13 to 19 digits long, passes the Luhn check and does not run on into a dotted
/// number: its end.
fn card_within(text: &str, start: usize, end: usize) -> Option<usize> {
    let candidate = &text[start..end];
    let ends = candidate
        .char_indices()
        .filter(|&(_, ch)| ch == ' ' || ch == '-')
        .map(|(i, _)| start + i)
        .chain([end]);
    let mut ends: Vec<usize> = ends.collect();
    ends.reverse();
    ends.into_iter()
        .find(|&e| !dotted_after(text, e) && luhn(&text[start..e]))
}

/// Masks card numbers: card-shaped digits that pass the Luhn check. A candidate that does not is
/// tried again from its next digit (a phone number may run into a card), and one that holds no
/// card is set aside as a placeholder (`\u{E000}i\u{E001}`), so that no later pattern (a phone
/// number) finds something inside it. Returns the text, the cards masked and what was set aside.
fn mask_cards(text: &str, card: &Regex) -> (String, u64, Vec<String>) {
    let mut cards: Vec<std::ops::Range<usize>> = Vec::new();
    let mut failed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut pos = 0;
    while let Some(m) = card.find_at(text, pos) {
        match card_within(text, m.start(), m.end()) {
            Some(end) => {
                cards.push(m.start()..end);
                pos = end;
            }
            None => {
                // A run into a dotted number (an address) is no number of its own.
                if !dotted_after(text, m.end()) {
                    failed.push(m.range());
                }
                // Digits are ASCII: the next candidate starts a byte further on.
                pos = m.start() + 1;
            }
        }
    }
    let overlaps =
        |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
    let mut aside: Vec<std::ops::Range<usize>> = Vec::new();
    for f in failed {
        if !cards.iter().chain(&aside).any(|r| overlaps(r, &f)) {
            aside.push(f);
        }
    }
    let mut kept = Vec::new();
    let mut marks: Vec<(std::ops::Range<usize>, String)> = cards
        .iter()
        .map(|r| (r.clone(), "<card>".to_string()))
        .chain(aside.into_iter().map(|r| {
            kept.push(text[r.clone()].to_string());
            (r, format!("\u{E000}{}\u{E001}", kept.len() - 1))
        }))
        .collect();
    marks.sort_by_key(|(r, _)| r.start);
    (splice(text, &marks), cards.len() as u64, kept)
}

/// `text` with each of `marks` (ranges in order, apart) replaced by its text.
fn splice(text: &str, marks: &[(std::ops::Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, with) in marks {
        out.push_str(&text[at..r.start]);
        out.push_str(with);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Masks the tokens after `Bearer` and `Basic` (the pattern's first group). Each keyword is
/// looked for from the end of the one before, not of its token, since a token may run into the
/// next keyword (`x=Bearer y`). Returns the text and the tokens masked.
fn mask_tokens(text: &str, bearer: &Regex) -> (String, u64) {
    let mut tokens: Vec<std::ops::Range<usize>> = Vec::new();
    let mut pos = 0;
    while let Some(c) = bearer.captures_at(text, pos) {
        let (Some(keyword), Some(token)) = (c.get(0), c.get(1)) else {
            break;
        };
        match tokens.last_mut() {
            Some(last) if token.start() <= last.end => last.end = last.end.max(token.end()),
            _ => tokens.push(token.range()),
        }
        // The keyword is ASCII: the next one starts after its first byte at the least.
        pos = keyword.start() + 1;
    }
    let marks: Vec<_> = tokens
        .into_iter()
        .map(|r| (r, "<secret>".to_string()))
        .collect();
    let count = marks.len() as u64;
    (splice(text, &marks), count)
}

/// Applies options to the parts of a trace set, counting what it removes.
pub struct Redactor {
    opts: RedactOptions,
    salt: [u8; 16],
    /// What has been removed so far.
    pub counts: RedactionCounts,
}

/// The prefix of hashed ids.
pub const HASHED: &str = "anon-";

impl Redactor {
    /// A redactor; `salt` makes this bundle's hashes its own (see [`fresh_salt`]).
    pub fn new(opts: RedactOptions, salt: [u8; 16]) -> Redactor {
        Redactor {
            opts,
            salt,
            counts: RedactionCounts::default(),
        }
    }

    /// The options.
    pub fn options(&self) -> &RedactOptions {
        &self.opts
    }

    /// Whether an attribute is kept; counts it when it is not.
    pub fn keep_attribute(&mut self, key: &str) -> bool {
        if !self.opts.keep_messages && matches_key(key, MESSAGE_KEYS) {
            self.counts.message_texts += 1;
            return false;
        }
        if !self.allows_key(key) {
            self.counts.attributes_dropped += 1;
            return false;
        }
        true
    }

    /// Whether attribute `key` is kept, counting nothing (for a filter that names it).
    pub fn keeps_attribute(&self, key: &str) -> bool {
        (self.opts.keep_messages || !matches_key(key, MESSAGE_KEYS)) && self.allows_key(key)
    }

    fn allows_key(&self, key: &str) -> bool {
        let allowed = self
            .opts
            .allow_keys
            .as_ref()
            .is_none_or(|allow| matches_key(key, allow));
        allowed && !matches_key(key, &self.opts.deny_keys)
    }

    /// Whether an event is kept; counts it when it is not.
    pub fn keep_event(&mut self, name: &str) -> bool {
        if !self.opts.keep_messages && is_message_event(name) {
            self.counts.message_texts += 1;
            return false;
        }
        true
    }

    /// A kept text with personal data and secrets masked (when masking is on).
    pub fn text(&mut self, s: &str) -> String {
        if !self.opts.mask_pii || s.is_empty() {
            return s.to_string();
        }
        let p = patterns();
        let c = &mut self.counts;
        let mut out = s.to_string();
        let replace = |re: &Regex, with: &str, count: &mut u64, out: &mut String| {
            let n = re.find_iter(out).count() as u64;
            if n > 0 {
                *count += n;
                *out = re.replace_all(out, with).into_owned();
            }
        };
        // Paths first: a URL's query must not take the drive letter a Windows path starts with.
        replace(&p.path_user, "${1}<user>", &mut c.path_user_names, &mut out);
        replace(&p.jwt, "<jwt>", &mut c.secrets, &mut out);
        replace(&p.secret, "<secret>", &mut c.secrets, &mut out);
        let (tokened, tokens) = mask_tokens(&out, &p.bearer);
        out = tokened;
        c.secrets += tokens;
        // A query is found by its `://` (a token written against a URL may have taken the
        // scheme's name).
        replace(&p.url_query, "$1?<query>", &mut c.url_queries, &mut out);
        replace(&p.email, "<email>", &mut c.emails, &mut out);
        let (carded, cards, kept) = mask_cards(&out, &p.card);
        out = carded;
        c.card_numbers += cards;
        replace(&p.phone, "<phone>", &mut c.phone_numbers, &mut out);
        replace(&p.ipv6, "<ip>", &mut c.ip_addresses, &mut out);
        // An address inside a longer dotted run (a version `1.2.3.4.5`) is none.
        let text = out.clone();
        let bytes = text.as_bytes();
        let mut ips = 0;
        out = p
            .ipv4
            .replace_all(&text, |m: &regex::Captures| {
                let whole = m.get(0).map_or(0..0, |g| g.range());
                let dotted_before = whole.start > 1
                    && bytes[whole.start - 1] == b'.'
                    && bytes[whole.start - 2].is_ascii_digit();
                let dotted_after = bytes.get(whole.end) == Some(&b'.')
                    && bytes.get(whole.end + 1).is_some_and(u8::is_ascii_digit);
                if dotted_before || dotted_after {
                    m[0].to_string()
                } else {
                    ips += 1;
                    "<ip>".to_string()
                }
            })
            .into_owned();
        c.ip_addresses += ips;
        for (i, digits) in kept.iter().enumerate() {
            out = out.replacen(&format!("\u{E000}{i}\u{E001}"), digits, 1);
        }
        out
    }

    /// An id replaced by its salted hash (when hashing is on); ids hashed before stay as they are.
    pub fn id(&mut self, s: &str) -> String {
        if !self.opts.hash_ids || s.is_empty() || s.starts_with(HASHED) {
            return s.to_string();
        }
        self.counts.ids_hashed += 1;
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(s.as_bytes());
        let digest = h.finalize();
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("{HASHED}{hex}")
    }
}

/// A salt of a bundle's own, from the system's random source (Web Crypto in a browser), so
/// that no one can tell a hashed id by hashing guesses with a salt they could know.
pub fn fresh_salt() -> Result<[u8; 16], String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt)
        .map_err(|e| format!("no random source for the bundle's salt: {e}"))?;
    Ok(salt)
}

/// Attribute keys (or key prefixes) as a comma-separated list gives them: trimmed, empty items
/// left out.
pub fn key_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_list_is_read_from_commas() {
        assert_eq!(
            key_list(" gen_ai., llm.model_name ,, user.id,"),
            ["gen_ai.", "llm.model_name", "user.id"]
        );
        assert!(key_list(" , ").is_empty());
    }

    #[test]
    fn each_bundle_gets_a_salt_of_its_own() {
        let salts: Vec<[u8; 16]> = (0..4).map(|_| fresh_salt().unwrap()).collect();
        for (i, a) in salts.iter().enumerate() {
            assert_ne!(*a, [0; 16]);
            assert!(salts[i + 1..].iter().all(|b| b != a), "{salts:?}");
        }
    }

    fn masked(s: &str) -> (String, RedactionCounts) {
        let mut r = Redactor::new(RedactOptions::default(), [7; 16]);
        (r.text(s), r.counts)
    }

    #[test]
    fn personal_data_and_secrets_are_masked() {
        let cases = [
            ("mail alice.smith@example.co.uk now", "mail <email> now"),
            ("écrire à zoë.müller@exemple.fr.", "écrire à <email>."),
            ("联系 用户@例子.公司 谢谢", "联系 <email> 谢谢"),
            (
                r#"{"to":"bob+x@mail.example.org","cc":["ann@ex.io"]}"#,
                r#"{"to":"<email>","cc":["<email>"]}"#,
            ),
            (
                "mailto:carl@example.com?subject=hi",
                "mailto:<email>?subject=hi",
            ),
            ("call +1 415-555-0132 today", "call <phone> today"),
            (
                "from 192.168.10.4 and 2001:db8:85a3:0:0:8a2e:370:7334",
                "from <ip> and <ip>",
            ),
            ("card 4111 1111 1111 1111 ok", "card <card> ok"),
            ("key sk-proj-abcdefghijklmnopqrstuvwx", "key <secret>"),
            ("aws AKIAIOSFODNN7EXAMPLE", "aws <secret>"),
            ("gh ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh <secret>"),
            (
                "Authorization: Bearer abc.def-ghi_123456",
                "Authorization: Bearer <secret>",
            ),
            (
                "tok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
                "tok <jwt>",
            ),
            (
                "GET https://api.example.com/v1/x?user=alice&k=1",
                "GET https://api.example.com/v1/x?<query>",
            ),
            (
                "at /home/alice/app/main.py:10",
                "at /home/<user>/app/main.py:10",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(masked(input).0, want, "{input}");
        }
    }

    #[test]
    fn ordinary_numbers_and_times_are_left_alone() {
        for s in [
            "2025-01-01T10:00:00.123Z took 1234 ms",
            "card 4111 1111 1111 1112 fails Luhn",
            "span 5b8efff798038103 of trace 5b8efff798038103d269b633813fc60c",
            "version 1.2.3.4.5",
            "installed left-pad@1.3.0 and @scope/pkg@2.0.1",
            "see image@2x.1",
        ] {
            assert_eq!(masked(s).0, s);
        }
    }

    #[test]
    fn ids_hash_alike_within_a_bundle_and_differ_across() {
        let mut a = Redactor::new(RedactOptions::default(), [1; 16]);
        let mut b = Redactor::new(RedactOptions::default(), [2; 16]);
        let (x, y) = (a.id("alice"), a.id("alice"));
        assert_eq!(x, y);
        assert!(x.starts_with(HASHED) && !x.contains("alice"));
        assert_ne!(x, b.id("alice"));
        assert_ne!(a.id("bob"), x);
        assert_eq!(a.id(&x), x, "a hashed id is not hashed again");
    }

    #[test]
    fn message_attributes_and_events_are_dropped_unless_kept() {
        let mut r = Redactor::new(RedactOptions::default(), [0; 16]);
        assert!(!r.keep_attribute("gen_ai.input.messages"));
        assert!(!r.keep_attribute("llm.input_messages.0.message.content"));
        assert!(!r.keep_event("gen_ai.user.message"));
        assert!(r.keep_attribute("gen_ai.usage.input_tokens"));
        assert!(r.keep_attribute("llm.token_count.prompt"));
        assert_eq!(r.counts.message_texts, 3);
        let mut keep = Redactor::new(
            RedactOptions {
                keep_messages: true,
                allow_keys: Some(vec!["gen_ai.".into()]),
                deny_keys: vec!["gen_ai.system".into()],
                ..RedactOptions::default()
            },
            [0; 16],
        );
        assert!(keep.keep_attribute("gen_ai.input.messages"));
        assert!(!keep.keep_attribute("http.url"), "not on the allowlist");
        assert!(!keep.keep_attribute("gen_ai.system"), "on the denylist");
        assert_eq!(keep.counts.attributes_dropped, 2);
    }
}
