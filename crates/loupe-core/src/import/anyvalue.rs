//! Lenient readers for the scalar encodings OTLP/JSON files use: 64-bit integers as strings or
//! numbers (or protobufjs `{high, low}` objects), doubles with `"NaN"`/`"Infinity"`, enums as
//! numbers or names, and the `AnyValue` attribute union.

use crate::model::json::Text;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// Nanoseconds given as a string, a number, or `{high, low}`. Never read through `f64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NanosField(pub i64);

impl<'de> Deserialize<'de> for NanosField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NanosField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("integer nanoseconds (a number or a string of digits)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NanosField, E> {
                i64::try_from(v)
                    .map(NanosField)
                    .map_err(|_| E::custom(format!("timestamp {v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NanosField, E> {
                Ok(NanosField(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NanosField, E> {
                Err(E::custom(format!(
                    "timestamp {v} is not an integer number of nanoseconds"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NanosField, E> {
                v.trim()
                    .parse::<i64>()
                    .map(NanosField)
                    .map_err(|_| E::custom(format!("timestamp {v:?} is not integer nanoseconds")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NanosField, A::Error> {
                let (mut high, mut low) = (None, None);
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    match k.as_ref() {
                        "high" => high = Some(map.next_value::<i64>()?),
                        "low" => low = Some(map.next_value::<i64>()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                match (high, low) {
                    (Some(h), Some(l)) => Ok(NanosField((h << 32) | (l & 0xffff_ffff))),
                    _ => Err(de::Error::custom(
                        "a {high, low} timestamp needs both parts",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A 64-bit integer given as a number or a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LooseI64(pub i64);

impl<'de> Deserialize<'de> for LooseI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseI64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a 64-bit integer (a number or a string of digits)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseI64, E> {
                i64::try_from(v)
                    .map(LooseI64)
                    .map_err(|_| E::custom(format!("integer {v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseI64, E> {
                Ok(LooseI64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseI64, E> {
                v.trim()
                    .parse()
                    .map(LooseI64)
                    .map_err(|_| E::custom(format!("{v:?} is not an integer")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A double given as a number, or as a string (`"NaN"`, `"Infinity"`, `"-Infinity"`, digits).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LooseF64(pub f64);

impl<'de> Deserialize<'de> for LooseF64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseF64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LooseF64, E> {
                Ok(LooseF64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseF64, E> {
                Ok(LooseF64(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseF64, E> {
                Ok(LooseF64(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseF64, E> {
                match v.trim() {
                    "NaN" => Ok(LooseF64(f64::NAN)),
                    "Infinity" => Ok(LooseF64(f64::INFINITY)),
                    "-Infinity" => Ok(LooseF64(f64::NEG_INFINITY)),
                    t => t
                        .parse()
                        .map(LooseF64)
                        .map_err(|_| E::custom(format!("{v:?} is not a number"))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum given as its number or its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Code<'a> {
    /// The enum number.
    Num(i64),
    /// The enum name.
    Name(Text<'a>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Code<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Code<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code<'de>, E> {
                Ok(Code::Num(v.min(i64::MAX as u64) as i64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code<'de>, E> {
                Ok(Code::Num(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Code<'de>, E> {
                Ok(Code::Name(Text(std::borrow::Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code<'de>, E> {
                Ok(Code::Name(Text(std::borrow::Cow::Owned(v.to_string()))))
            }
        }
        d.deserialize_any(V)
    }
}

/// One attribute: `{key, value}`.
#[derive(Deserialize, Debug)]
pub(crate) struct KeyValue<'a> {
    #[serde(borrow)]
    pub key: Text<'a>,
    #[serde(borrow, default)]
    pub value: Option<AnyValue<'a>>,
}

/// `{"values": [...]}` of an array value.
#[derive(Deserialize, Debug)]
struct ArrayValue<'a> {
    #[serde(borrow, default)]
    values: Option<Vec<AnyValue<'a>>>,
}

/// `{"values": [...]}` of a key-value list.
#[derive(Deserialize, Debug)]
struct KvList<'a> {
    #[serde(borrow, default)]
    values: Option<Vec<KeyValue<'a>>>,
}

/// The OTLP `AnyValue` union.
#[derive(Debug)]
pub(crate) enum AnyValue<'a> {
    Str(Text<'a>),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Text<'a>),
    Array(Vec<AnyValue<'a>>),
    KvList(Vec<KeyValue<'a>>),
    /// A value under a key the spec does not define (kept raw, read leniently).
    Unknown(Text<'a>, &'a RawValue),
    Empty,
}

impl<'de: 'a, 'a> Deserialize<'de> for AnyValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an AnyValue object such as {\"stringValue\": \"…\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyValue<'de>, A::Error> {
                let mut out = AnyValue::Empty;
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    out = match k.as_ref() {
                        "stringValue" | "string_value" => AnyValue::Str(map.next_value()?),
                        "boolValue" | "bool_value" => AnyValue::Bool(map.next_value()?),
                        "intValue" | "int_value" => AnyValue::Int(map.next_value::<LooseI64>()?.0),
                        "doubleValue" | "double_value" => {
                            AnyValue::Double(map.next_value::<LooseF64>()?.0)
                        }
                        "bytesValue" | "bytes_value" => AnyValue::Bytes(map.next_value()?),
                        "arrayValue" | "array_value" => AnyValue::Array(
                            map.next_value::<ArrayValue<'de>>()?
                                .values
                                .unwrap_or_default(),
                        ),
                        "kvlistValue" | "kvlist_value" => AnyValue::KvList(
                            map.next_value::<KvList<'de>>()?.values.unwrap_or_default(),
                        ),
                        _ => AnyValue::Unknown(k, map.next_value()?),
                    };
                }
                Ok(out)
            }
            fn visit_unit<E: de::Error>(self) -> Result<AnyValue<'de>, E> {
                Ok(AnyValue::Empty)
            }
        }
        d.deserialize_any(V)
    }
}

impl AnyValue<'_> {
    /// Writes the value as plain JSON (`["a", 1]`, `{"k": true}`), for arrays and maps.
    pub fn write_plain_json(&self, out: &mut String) {
        let quote = |s: &str, out: &mut String| {
            out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()))
        };
        match self {
            AnyValue::Str(s) | AnyValue::Bytes(s) => quote(s, out),
            AnyValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            AnyValue::Int(i) => out.push_str(&i.to_string()),
            AnyValue::Double(x) if x.is_finite() => out.push_str(&x.to_string()),
            AnyValue::Double(x) => quote(&x.to_string(), out),
            AnyValue::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write_plain_json(out);
                }
                out.push(']');
            }
            AnyValue::KvList(kvs) => {
                out.push('{');
                for (n, kv) in kvs.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    quote(&kv.key, out);
                    out.push(':');
                    match &kv.value {
                        Some(v) => v.write_plain_json(out),
                        None => out.push_str("null"),
                    }
                }
                out.push('}');
            }
            AnyValue::Unknown(_, raw) => out.push_str(raw.get()),
            AnyValue::Empty => out.push_str("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos_accept_strings_numbers_and_high_low() {
        let n: NanosField = serde_json::from_str("\"1544712660000000000\"").unwrap();
        assert_eq!(n.0, 1_544_712_660_000_000_000);
        let n: NanosField = serde_json::from_str("1544712660000000001").unwrap();
        assert_eq!(n.0, 1_544_712_660_000_000_001);
        let n: NanosField = serde_json::from_str(r#"{"high": 1, "low": 2}"#).unwrap();
        assert_eq!(n.0, (1 << 32) | 2);
        assert!(serde_json::from_str::<NanosField>("\"soon\"").is_err());
        assert!(serde_json::from_str::<NanosField>("1.5e18").is_err());
    }

    #[test]
    fn any_values_of_every_type() {
        let v: AnyValue = serde_json::from_str(r#"{"intValue": "9007199254740993"}"#).unwrap();
        assert!(matches!(v, AnyValue::Int(9_007_199_254_740_993)));
        let v: AnyValue = serde_json::from_str(r#"{"doubleValue": "NaN"}"#).unwrap();
        assert!(matches!(v, AnyValue::Double(x) if x.is_nan()));
        let v: AnyValue = serde_json::from_str(
            r#"{"arrayValue": {"values": [{"stringValue": "stop"}, {"intValue": 3}]}}"#,
        )
        .unwrap();
        let mut s = String::new();
        v.write_plain_json(&mut s);
        assert_eq!(s, r#"["stop",3]"#);
        let v: AnyValue = serde_json::from_str(
            r#"{"kvlistValue": {"values": [{"key": "a", "value": {"boolValue": true}}]}}"#,
        )
        .unwrap();
        let mut s = String::new();
        v.write_plain_json(&mut s);
        assert_eq!(s, r#"{"a":true}"#);
    }
}
