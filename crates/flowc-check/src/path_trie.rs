//! Destination paths as a tree of segments, so that "is an ancestor of this path mapped?"
//! costs one step per segment instead of hashing every prefix (which is quadratic in the
//! number of segments).

use std::collections::HashMap;

/// Where `path` may be cut into a parent and a child: before each `.` or `[` that is not
/// escaped with `\` and does not start the path.
pub fn boundaries(path: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = path.as_bytes();
    (1..bytes.len()).filter(move |&i| matches!(bytes[i], b'.' | b'[') && bytes[i - 1] != b'\\')
}

/// A set of paths, each carrying a value, as a tree whose edges are path segments.
pub struct PathTrie<'p, T> {
    /// (parent node, segment text including its leading separator) → child node.
    edges: HashMap<(usize, &'p str), usize>,
    /// The value of the path that ends at each node, if one does.
    values: Vec<Option<T>>,
}

impl<'p, T> Default for PathTrie<'p, T> {
    fn default() -> Self {
        PathTrie { edges: HashMap::new(), values: vec![None] }
    }
}

impl<'p, T> PathTrie<'p, T> {
    /// Adds `path` with `value`, keeping the value of a path added before.
    pub fn insert(&mut self, path: &'p str, value: T) {
        let mut node = 0;
        for segment in segments(path) {
            let next = self.values.len();
            node = *self.edges.entry((node, segment)).or_insert(next);
            if node == next {
                self.values.push(None);
            }
        }
        self.values[node].get_or_insert(value);
    }

    /// The value of the longest proper prefix of `path` (at a segment boundary) in the set.
    pub fn nearest_ancestor(&self, path: &str) -> Option<&T> {
        let mut node = 0;
        let mut found = None;
        let mut segments = segments(path).peekable();
        while let Some(segment) = segments.next() {
            let Some(&next) = self.edges.get(&(node, segment)) else {
                break;
            };
            node = next;
            if segments.peek().is_some()
                && let Some(value) = &self.values[node]
            {
                found = Some(value);
            }
        }
        found
    }

    /// Whether `path` or a path below it is in the set.
    pub fn has_self_or_descendant(&self, path: &str) -> bool {
        let mut node = 0;
        for segment in segments(path) {
            match self.edges.get(&(node, segment)) {
                Some(&next) => node = next,
                None => return false,
            }
        }
        true
    }
}

/// `a.b[*].c` → `a`, `.b`, `[*]`, `.c`.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    boundaries(path).chain(std::iter::once(path.len())).map(move |end| {
        let segment = &path[start..end];
        start = end;
        segment
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_mapped_ancestor() {
        let mut trie = PathTrie::default();
        trie.insert("a", 1);
        trie.insert("a.b", 2);
        trie.insert("x\\.y", 3);
        assert_eq!(trie.nearest_ancestor("a.b.c"), Some(&2));
        assert_eq!(trie.nearest_ancestor("a.b"), Some(&1));
        assert_eq!(trie.nearest_ancestor("a"), None);
        assert_eq!(trie.nearest_ancestor("ab.c"), None);
        // An escaped dot is part of a name, not a boundary.
        assert_eq!(trie.nearest_ancestor("x\\.y.z"), Some(&3));
        assert_eq!(trie.nearest_ancestor("x\\.y"), None);
        assert_eq!(trie.nearest_ancestor("a[*].c"), Some(&1));
    }

    #[test]
    fn knows_descendants() {
        let mut trie = PathTrie::default();
        trie.insert("a.b[*].c", ());
        assert!(trie.has_self_or_descendant("a"));
        assert!(trie.has_self_or_descendant("a.b[*]"));
        assert!(trie.has_self_or_descendant("a.b[*].c"));
        assert!(!trie.has_self_or_descendant("a.b[*].c.d"));
        assert!(!trie.has_self_or_descendant("a.bc"));
    }

    #[test]
    fn the_first_value_of_a_path_stays() {
        let mut trie = PathTrie::default();
        trie.insert("a", 1);
        trie.insert("a", 2);
        assert_eq!(trie.nearest_ancestor("a.b"), Some(&1));
    }
}
