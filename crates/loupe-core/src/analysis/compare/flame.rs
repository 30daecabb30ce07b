//! The differential flame graph: the candidate's spans merged by path of names
//! ([`AggregateFlame`]), each box as wide as the candidate's weight (time, tokens or cost) and
//! coloured by the change from the baseline's node at the same path: red for more, blue for
//! less, stronger for a larger relative change. A node only the candidate has is new; one only
//! the baseline has has no width here (the merged tree lists it as removed).

use crate::analysis::flame::{AggBox, AggregateFlame, Weight};
use serde::{Deserialize, Serialize};

/// A box of the differential flame graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffBox {
    /// The candidate's box: where it is drawn, and its figures.
    pub candidate: AggBox,
    /// The candidate's weight.
    pub value: f64,
    /// The baseline's weight at the same path (0 where it has none).
    pub baseline: f64,
    /// The relative change from the baseline's weight (0.25 is 25% more), clamped to ±1 for the
    /// colour; `None` for a node the baseline lacks.
    pub change: Option<f64>,
}

/// For each of `b`'s nodes, the node of `a` at the same path of names.
pub fn matching_nodes(a: &AggregateFlame, b: &AggregateFlame) -> Vec<Option<u32>> {
    let mut matched: Vec<Option<u32>> = vec![None; b.nodes.len()];
    if !matched.is_empty() {
        matched[0] = Some(0);
    }
    // Parents precede their children in `nodes`.
    for i in 1..b.nodes.len() {
        let node = &b.nodes[i];
        matched[i] = node
            .parent
            .and_then(|p| matched[p as usize])
            .and_then(|pa| {
                a.nodes[pa as usize]
                    .children
                    .iter()
                    .copied()
                    .find(|&c| a.nodes[c as usize].name == node.name)
            });
    }
    matched
}

/// The boxes of the differential flame graph of `focus` (a node of `b`), `width` pixels wide.
pub fn diff_boxes(
    a: &AggregateFlame,
    b: &AggregateFlame,
    focus: u32,
    weight: Weight,
    width: f64,
) -> Vec<DiffBox> {
    let matched = matching_nodes(a, b);
    b.view(focus, weight, width)
        .boxes
        .into_iter()
        .map(|candidate| {
            let before = matched
                .get(candidate.node as usize)
                .copied()
                .flatten()
                .map(|n| a.weight(n, weight));
            let after = b.weight(candidate.node, weight);
            DiffBox {
                value: after,
                baseline: before.unwrap_or(0.0),
                change: before.map(|x| match super::relative(x, after) {
                    Some(r) => r.clamp(-1.0, 1.0),
                    None if after > 0.0 => 1.0,
                    None => 0.0,
                }),
                candidate,
            }
        })
        .collect()
}
