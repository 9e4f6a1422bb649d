//! A text report: `  label          value` lines.

use std::fmt;

/// Where prose is wrapped.
pub(crate) const WRAP_COLUMNS: usize = 100;

pub(crate) struct Report {
    text: String,
    width: usize,
}

impl Default for Report {
    fn default() -> Self {
        Self::with_label_width(16)
    }
}

impl Report {
    /// A report whose values start after `width` columns.
    pub(crate) fn with_label_width(width: usize) -> Self {
        Self { text: String::new(), width }
    }

    pub(crate) fn raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(crate) fn line(&mut self, label: &str, value: impl fmt::Display) {
        self.indented(2, label, value);
    }

    pub(crate) fn indented(&mut self, indent: usize, label: &str, value: impl fmt::Display) {
        let width = self.width.saturating_sub(indent).max(1);
        let line = format!("{:indent$}{label:<width$} {value}", "");
        self.text.push_str(line.trim_end());
        self.text.push('\n');
    }

    /// A label with several values, one per line, aligned.
    pub(crate) fn list(&mut self, label: &str, values: &[String]) {
        match values.split_first() {
            None => self.line(label, "(none)"),
            Some((first, rest)) => {
                self.line(label, first);
                for value in rest {
                    self.line("", value);
                }
            }
        }
    }

    /// Prose at `indent`, wrapped at [`WRAP_COLUMNS`].
    pub(crate) fn paragraph(&mut self, indent: usize, text: &str) {
        for line in wrap(text, WRAP_COLUMNS.saturating_sub(indent).max(20)) {
            self.text.push_str(&format!("{:indent$}{line}\n", ""));
        }
    }

    pub(crate) fn into_text(self) -> String {
        self.text
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer
/// word keeps its own line).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
