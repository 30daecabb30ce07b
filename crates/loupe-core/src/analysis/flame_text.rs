//! What the flame graphs write and how they tell names apart: a weight's name and its values
//! as text, a trace box's and an aggregated node's tooltip lines, a label cut to the width of
//! its box, and a stable hue for each name.

use crate::analysis::display::{cost, count, duration};
use crate::analysis::flame::{AggBox, FlameBox, Weight};

/// The narrowest box, in CSS pixels, that is labelled.
const NARROWEST_LABEL: f64 = 28.0;
/// The padding around a label, in CSS pixels.
const LABEL_PADDING: f64 = 6.0;
/// The width of one character of the labels' 11px font, on average, in CSS pixels.
const CHAR_WIDTH: f64 = 6.4;

impl Weight {
    /// Its name in a menu.
    pub fn label(self) -> &'static str {
        match self {
            Weight::TotalTime => "total time",
            Weight::SelfTime => "self time",
            Weight::Tokens => "tokens",
            Weight::Cost => "cost (US$)",
        }
    }

    /// A value of this weight as text: a duration, a token count or a cost.
    pub fn value_text(self, v: f64) -> String {
        match self {
            Weight::TotalTime | Weight::SelfTime => duration(v as i64),
            Weight::Tokens => count(v as u64),
            Weight::Cost => cost(Some(v)),
        }
    }
}

impl FlameBox {
    /// Its tooltip lines: the name, duration and self time, and the tokens and cost where the
    /// span has them.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            self.name.clone(),
            format!(
                "{} · self {}",
                duration(self.duration),
                duration(self.self_time)
            ),
        ];
        if let Some((input, output)) = self.tokens {
            lines.push(format!(
                "{} in / {} out tokens",
                count(input),
                count(output)
            ));
        }
        if let Some(c) = self.cost {
            lines.push(cost(Some(c)));
        }
        lines
    }
}

impl AggBox {
    /// Its tooltip lines: the name (`all traces` at the top), the spans merged, their times,
    /// tokens and cost.
    pub fn lines(&self) -> Vec<String> {
        vec![
            if self.node == 0 {
                "all traces".to_string()
            } else {
                self.name.clone()
            },
            format!("{} spans", count(u64::from(self.count))),
            format!(
                "total {} · self {}",
                duration(self.total_time),
                duration(self.self_time)
            ),
            format!("{} tokens · {}", count(self.tokens), cost(Some(self.cost))),
        ]
    }
}

/// `text` as it fits a box `width` CSS pixels wide: whole, cut with `…`, or `None` when the
/// box is too narrow for any label.
pub fn fit_label(text: &str, width: f64) -> Option<String> {
    if width < NARROWEST_LABEL {
        return None;
    }
    let max_chars = ((width - LABEL_PADDING) / CHAR_WIDTH) as usize;
    if text.chars().count() <= max_chars {
        return Some(text.to_string());
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    Some(cut)
}

/// A stable colour for a name, from its FNV-1a hash: a hue (0 to 359) and a lightness in
/// percent (58 to 69).
pub fn name_hue(name: &str) -> (u32, u32) {
    let h = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    (h % 360, 58 + (h >> 9) % 12)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SpanKind;

    fn flame_box(tokens: Option<(u64, u64)>, cost: Option<f64>) -> FlameBox {
        FlameBox {
            span: 3,
            row: 1,
            x0: 0.0,
            x1: 10.0,
            kind: SpanKind::Llm,
            error: false,
            dim: false,
            name: "chat gpt-4o".into(),
            duration: 1_250_000_000,
            self_time: 12_340_000,
            tokens,
            cost,
        }
    }

    #[test]
    fn a_boxs_tooltip_has_its_figures_and_only_those_it_has() {
        assert_eq!(
            flame_box(Some((1200, 80)), Some(0.00123)).lines(),
            [
                "chat gpt-4o",
                "1.25 s · self 12.3 ms",
                "1,200 in / 80 out tokens",
                "$0.0012"
            ]
        );
        assert_eq!(
            flame_box(None, None).lines(),
            ["chat gpt-4o", "1.25 s · self 12.3 ms"]
        );
    }

    #[test]
    fn a_nodes_tooltip_names_the_top_all_traces() {
        let node = AggBox {
            node: 0,
            parent: None,
            row: 0,
            x0: 0.0,
            x1: 100.0,
            name: String::new(),
            count: 1500,
            total_time: 2_000_000_000,
            self_time: 1_500,
            tokens: 44_000,
            cost: 0.5,
        };
        assert_eq!(
            node.lines(),
            [
                "all traces",
                "1,500 spans",
                "total 2.00 s · self 1.50 µs",
                "44,000 tokens · $0.50"
            ]
        );
        let named = AggBox {
            node: 4,
            name: "search".into(),
            ..node
        };
        assert_eq!(named.lines()[0], "search");
    }

    #[test]
    fn a_weights_values_are_written_in_its_unit() {
        assert_eq!(Weight::TotalTime.value_text(1.5e9), "1.50 s");
        assert_eq!(Weight::SelfTime.value_text(999.0), "999 ns");
        assert_eq!(Weight::Tokens.value_text(1234.0), "1,234");
        assert_eq!(Weight::Cost.value_text(0.00004), "$0.000040");
        let labels: Vec<&str> = Weight::ALL.iter().map(|w| w.label()).collect();
        assert_eq!(labels, ["total time", "self time", "tokens", "cost (US$)"]);
    }

    #[test]
    fn labels_fit_their_box_or_are_left_out() {
        assert_eq!(
            fit_label("retrieve", 27.9),
            None,
            "too narrow for any label"
        );
        assert_eq!(fit_label("ab", 28.0).as_deref(), Some("ab"));
        // 70 px holds (70 - 6) / 6.4 = 10 characters.
        assert_eq!(fit_label("0123456789", 70.0).as_deref(), Some("0123456789"));
        assert_eq!(
            fit_label("0123456789a", 70.0).as_deref(),
            Some("012345678…")
        );
        // Characters, not bytes, are counted.
        assert_eq!(
            fit_label("ééééééééééé", 70.0).as_deref(),
            Some("ééééééééé…")
        );
        assert_eq!(fit_label("", 1000.0).as_deref(), Some(""));
    }

    #[test]
    fn a_names_hue_is_stable_and_tells_names_apart() {
        assert_eq!(name_hue("retrieve"), name_hue("retrieve"));
        let hues: std::collections::HashSet<u32> =
            ["plan", "search", "answer", "retrieve", "embed"]
                .iter()
                .map(|n| name_hue(n).0)
                .collect();
        assert_eq!(hues.len(), 5, "five names, five hues");
        for name in ["", "a", "chat gpt-4o", "🦀"] {
            let (hue, light) = name_hue(name);
            assert!(
                hue < 360 && (58..70).contains(&light),
                "{name}: {hue} {light}"
            );
        }
    }
}
