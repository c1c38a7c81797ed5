//! Text from a server made safe to print on a terminal or show in a window.
//!
//! Error messages, trace IDs and names come from Entra, Power BI, Fabric or Graph (or from
//! whatever answers at a custom cloud's address, or a company proxy). Printed raw, an escape
//! sequence in them can clear the screen, retitle the terminal window, rewrite earlier lines or,
//! on some terminals, answer back into the shell. [`clean_text`] removes every control character
//! and whole escape sequences (ECMA-48: CSI, OSC, DCS, SOS, PM, APC and the two-character
//! forms), turns line breaks and tabs into single spaces (a message is one line), and keeps every
//! ordinary character, accents and scripts included. Crates that strip ANSI colours leave the
//! other control characters in place, so both jobs are done here in one pass.

use std::iter::Peekable;
use std::str::Chars;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// The one-character (C1) forms of ESC-introduced sequences.
const C1_CSI: char = '\u{9b}';
const C1_ST: char = '\u{9c}';

/// `text` without control characters or escape sequences, on one line.
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => skip_escape(&mut chars),
            C1_CSI => skip_csi(&mut chars),
            // DCS, SOS, OSC, PM, APC: a string up to the string terminator.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\r' | '\t' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            // Bidirectional overrides and isolates reorder what a person reads (CVE-2021-42574).
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out
}

/// Cleans an optional text, dropping it when nothing printable is left.
pub fn clean_opt(text: Option<String>) -> Option<String> {
    text.map(|t| clean_text(&t)).filter(|t| !t.is_empty())
}

/// After ESC: skips the rest of the sequence.
fn skip_escape(chars: &mut Peekable<Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // nF sequences: intermediates (0x20–0x2F), then one final character.
        Some(' '..='/') => {
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next();
        }
        // Fp, Fe and Fs: the one character after ESC is the whole sequence.
        _ => {}
    }
}

/// A control sequence: parameters and intermediates (0x20–0x3F), then a final character.
fn skip_csi(chars: &mut Peekable<Chars<'_>>) {
    while chars.next_if(|c| (' '..='?').contains(c)).is_some() {}
    chars.next_if(|c| ('@'..='~').contains(c));
}

/// A control string: everything up to ST (ESC \ or U+009C) or BEL, which xterm also accepts.
fn skip_string(chars: &mut Peekable<Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | C1_ST => return,
            ESC => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_go_ordinary_text_stays() {
        let hostile = "Invalid client secret provided.\u{1b}[2J\u{1b}]0;pwned\u{7} \
                       \u{1b}[31mred\u{1b}[0m\u{1b}P+q\u{1b}\\ \u{9b}1;2H\u{9d}title\u{9c}\
                       \u{1b}c\u{1b}(B\u{7}\u{0}\u{7f}\u{85}end";
        let clean = clean_text(hostile);
        assert_eq!(clean, "Invalid client secret provided. red end");
        assert!(!clean.chars().any(char::is_control), "{clean:?}");
        assert_eq!(
            clean_text("Line one.\r\nTrace ID: 1\tx"),
            "Line one. Trace ID: 1 x"
        );
        assert_eq!(
            clean_text("Zugriff verweigert für Ådå — 访问被拒绝 ✓"),
            "Zugriff verweigert für Ådå — 访问被拒绝 ✓"
        );
        assert_eq!(clean_text("abc\u{202e}fed"), "abcfed");
        assert_eq!(clean_text("cut\u{1b}"), "cut");
        assert_eq!(clean_text("cut\u{1b}]0;never ends"), "cut");
        assert_eq!(clean_opt(Some("\u{1b}[2J".into())), None);
    }
}
