/// Maps byte offsets to 1-based lines and columns. Columns count Unicode scalar values,
/// so a column is what a person counts in an editor, not a byte offset.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts, text: text.to_owned() }
    }

    /// Line and column of `offset`; offsets past the end clamp to the end, and offsets
    /// inside a multi-byte character count as that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text.as_bytes()[start..offset].iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
        LineCol { line: line + 1, column }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let index = LineIndex::new("ab\né = x\n");
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(2), LineCol { line: 1, column: 3 });
        assert_eq!(index.line_col(3), LineCol { line: 2, column: 1 });
        // `é` is two bytes; the space after it is column 2.
        assert_eq!(index.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(999), LineCol { line: 3, column: 1 });
    }
}
