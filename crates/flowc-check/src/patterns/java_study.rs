//! Java's judgement of look-behinds: `(?<=X)` and `(?<!X)` compile only when Java's
//! `Pattern.TreeInfo` study of `X` finds "an obvious maximum length". The study is reproduced
//! here node for node (Java 17's `Pattern.java`, `study(TreeInfo)` of each node class), with
//! Java's 32-bit wrapping arithmetic, because its answer depends on it: since Java 9 a greedy
//! `\w+` adds `Integer.MAX_VALUE` to the maximum and stays valid, while `(ab)+` multiplies 2 by
//! `Integer.MAX_VALUE`, overflows and is refused.
//!
//! The translator builds a [`Node`] tree of the regex as Java's parser would shape it, and
//! [`lookbehind_culprit`] studies a look-behind's content.

/// Java's `MAX_REPS`: the maximum of `*`, `+` and `{n,}`.
pub(super) const MAX_REPS: i32 = i32::MAX;

/// A regex node, reduced to what the study looks at.
#[derive(Debug)]
pub(super) enum Node {
    /// One character: a literal, a class, `.`, `\d`, `\p{…}` (Java's `CharProperty`).
    Char,
    /// `\X` (`XGrapheme`): counts one character as its minimum and nothing as its maximum.
    Grapheme,
    /// `\R` (`LineEnding`): one or two characters.
    LineEnding,
    /// Zero-width: anchors, boundaries, an empty quantified slice.
    Empty,
    /// A look-around and its alternatives: zero-width for the study (Java studies its content
    /// only when it is a look-behind, on its own), but built with the rest.
    Look(Vec<Vec<Node>>),
    /// `\1`, `\k<name>`: no maximum.
    BackRef(Span),
    /// `(…)`, `(?:…)`, `(?flags:…)`: its alternatives.
    Group(Vec<Vec<Node>>),
    /// `(?>…)`: studied like a plain atom.
    Independent(Vec<Vec<Node>>),
    Repeat(Box<Repeat>),
}

pub(super) type Span = (usize, usize);

#[derive(Debug)]
pub(super) struct Repeat {
    pub atom: Node,
    pub min: i32,
    /// [`MAX_REPS`] when unbounded.
    pub max: i32,
    /// `*`, `+` or `{n,}` (Java's `curly()`, which makes `CharPropertyGreedy` of one
    /// character); a written `{n,2147483647}` is not.
    pub open_ended: bool,
    /// `?`, `??`, `?+` or `{0,1}` (Java's `Ques`).
    pub optional: bool,
    pub greedy: bool,
    pub possessive: bool,
    pub span: Span,
}

/// Java's `TreeInfo`.
#[derive(Clone, Copy)]
struct Info {
    min: i32,
    max: i32,
    max_valid: bool,
    deterministic: bool,
}

impl Info {
    const RESET: Info = Info { min: 0, max: 0, max_valid: true, deterministic: true };
}

/// The rest of a chain of nodes: Java's `next` pointers.
struct Chain<'a> {
    nodes: &'a [Node],
    rest: Option<&'a Chain<'a>>,
}

struct Study {
    /// The first node that made the maximum invalid, for the error's span.
    culprit: Option<Span>,
}

impl Study {
    fn invalidate(&mut self, info: &mut Info, span: Span) {
        if info.max_valid && self.culprit.is_none() {
            self.culprit = Some(span);
        }
        info.max_valid = false;
    }

    /// `node.study(info)` along a chain; returns Java's "deterministic" answer.
    fn chain(&mut self, chain: Option<&Chain>, info: &mut Info) -> bool {
        let Some(mut chain) = chain else {
            return info.deterministic;
        };
        let mut k = 0;
        loop {
            let Some(node) = chain.nodes.get(k) else {
                match chain.rest {
                    Some(rest) => {
                        chain = rest;
                        k = 0;
                        continue;
                    }
                    None => return info.deterministic,
                }
            };
            k += 1;
            let rest = Chain { nodes: &chain.nodes[k..], rest: chain.rest };
            match node {
                Node::Char => {
                    info.min = info.min.wrapping_add(1);
                    info.max = info.max.wrapping_add(1);
                }
                Node::Grapheme => {
                    info.min = info.min.wrapping_add(1);
                    info.deterministic = false;
                }
                Node::LineEnding => {
                    info.min = info.min.wrapping_add(1);
                    info.max = info.max.wrapping_add(2);
                }
                Node::Empty | Node::Look(_) => {}
                Node::BackRef(span) => self.invalidate(info, *span),
                Node::Group(alts) if alts.len() == 1 => {
                    let inner = Chain { nodes: &alts[0], rest: Some(&rest) };
                    return self.chain(Some(&inner), info);
                }
                Node::Group(alts) => return self.branch(alts.iter().map(Vec::as_slice), &rest, info),
                Node::Independent(_) => {
                    self.atom(node, info);
                }
                Node::Repeat(r) => {
                    if let Some(deterministic) = self.repeat(r, &rest, info) {
                        return deterministic;
                    }
                }
            }
        }
    }

    /// An atom studied on its own (its `next` is Java's `accept` node), continuing `info`.
    fn atom(&mut self, atom: &Node, info: &mut Info) -> bool {
        match atom {
            Node::Group(alts) | Node::Independent(alts) => self.group(alts, info),
            _ => self.chain(Some(&Chain { nodes: std::slice::from_ref(atom), rest: None }), info),
        }
    }

    /// A group's alternatives studied on their own, continuing `info`.
    fn group(&mut self, alts: &[Vec<Node>], info: &mut Info) -> bool {
        match alts {
            [alone] => self.chain(Some(&Chain { nodes: alone, rest: None }), info),
            _ => self.branch(alts.iter().map(Vec::as_slice), &Chain { nodes: &[], rest: None }, info),
        }
    }

    /// Java's `Branch.study`: each alternative alone, then the rest of the chain alone.
    fn branch<'a>(&mut self, alts: impl Iterator<Item = &'a [Node]>, rest: &Chain, info: &mut Info) -> bool {
        let (mut min, mut max, mut max_valid) = (info.min, info.max, info.max_valid);
        let (mut min2, mut max2) = (i32::MAX, -1);
        for alt in alts {
            *info = Info::RESET;
            self.chain(Some(&Chain { nodes: alt, rest: None }), info);
            min2 = min2.min(info.min);
            max2 = max2.max(info.max);
            max_valid &= info.max_valid;
        }
        min = min.wrapping_add(min2);
        max = max.wrapping_add(max2);
        *info = Info::RESET;
        self.chain(Some(rest), info);
        info.min = info.min.wrapping_add(min);
        info.max = info.max.wrapping_add(max);
        info.max_valid &= max_valid;
        info.deterministic = false;
        false
    }

    /// A quantified node, as `closure()` and `group0()` build it. `Some` when the study of the
    /// chain ends there (a `Loop`, or a `Branch` that studied the rest itself).
    fn repeat(&mut self, r: &Repeat, rest: &Chain, info: &mut Info) -> Option<bool> {
        let is_group = matches!(r.atom, Node::Group(_));
        if r.optional {
            if is_group && !r.possessive {
                // `(X)?` becomes a Branch of X and nothing.
                let alts = [std::slice::from_ref(&r.atom), &[]];
                return Some(self.branch(alts.into_iter(), rest, info));
            }
            // Ques.study: the maximum grows, the minimum does not.
            let min = info.min;
            self.atom(&r.atom, info);
            info.min = min;
            info.deterministic = false;
            return None;
        }
        if matches!(r.atom, Node::Char) && r.greedy && r.open_ended {
            // CharPropertyGreedy: `\w+`, `a*`, `[ab]{2,}`.
            info.min = info.min.wrapping_add(r.min);
            if info.max_valid {
                info.max = info.max.wrapping_add(MAX_REPS);
            }
            info.deterministic = false;
            return None;
        }
        if is_group && !r.possessive {
            // A repeated group is a GroupCurly when its content is deterministic, else a Loop.
            let mut probe = Info::RESET;
            let deterministic = Study { culprit: None }.atom(&r.atom, &mut probe);
            if !deterministic {
                self.invalidate(info, r.span);
                info.deterministic = false;
                return Some(false);
            }
        }
        // Curly and GroupCurly.
        let (min_l, max_l, max_v, det) = (info.min, info.max, info.max_valid, info.deterministic);
        *info = Info::RESET;
        self.atom(&r.atom, info);
        let mut temp = info.min.wrapping_mul(r.min).wrapping_add(min_l);
        if temp < min_l {
            temp = 0xFFFFFFF;
        }
        info.min = temp;
        if max_v && info.max_valid {
            let temp = info.max.wrapping_mul(r.max).wrapping_add(max_l);
            info.max = temp;
            if temp < max_l {
                self.invalidate(info, r.span);
            }
        } else {
            info.max_valid = max_v;
            self.invalidate(info, r.span);
        }
        info.deterministic = info.deterministic && r.min == r.max && det;
        None
    }
}

/// Study a look-behind's content (its alternatives) as Java does: `None` when Java finds an
/// obvious maximum length, else the span of the node that has none (or `None` inside when no
/// single node is to blame: the caller then points at the group).
pub(super) fn lookbehind_culprit(alts: &[Vec<Node>]) -> Option<Option<Span>> {
    let mut study = Study { culprit: None };
    let mut info = Info::RESET;
    study.group(alts, &mut info);
    (!info.max_valid).then_some(study.culprit)
}

/// How many nodes the regex would have with every counted repetition written out (saturating):
/// what building it costs the engine, known before building it.
pub(super) fn expanded_size(alts: &[Vec<Node>]) -> u64 {
    alts.iter().flatten().map(node_size).fold(0, u64::saturating_add)
}

fn node_size(node: &Node) -> u64 {
    match node {
        Node::Group(alts) | Node::Independent(alts) | Node::Look(alts) => expanded_size(alts).saturating_add(1),
        Node::Repeat(r) => {
            let copies = if r.open_ended { r.min.saturating_add(1) } else { r.max };
            node_size(&r.atom).saturating_mul(u64::try_from(copies.max(1)).unwrap_or(1))
        }
        _ => 1,
    }
}
