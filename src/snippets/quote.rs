//! Quoting a value for each language a snippet is written in.
//!
//! A snippet is code a person pastes and runs. Every value in it (addresses, tenant, IDs) comes
//! from a form, a preset file or a custom cloud, so each is written as a literal that the
//! language reads as data and nothing else: a host such as `$(rm -rf ~)` or `"+os.system(…)+"`
//! must arrive as text, not run.

/// A bash (POSIX sh) word: single quotes, inside which nothing is special; a `'` ends the
/// quotes, is written escaped, and the quotes start again (`'\''`).
pub fn sh(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// A PowerShell verbatim (single-quoted) string: nothing in it is expanded, and a quote is
/// written twice. PowerShell also takes the typographic single quotes (U+2018–U+201B) as quote
/// characters, so those are doubled too (about_Quoting_Rules; the tokenizer's
/// `IsSingleQuote`).
pub fn powershell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A Python string literal. A JSON string is one: JSON's escapes (`\"`, `\\`, `\n`, `\t`,
/// `\uXXXX`, …) mean the same in Python, every control character is escaped, and anything
/// else is written as itself (Python source is UTF-8).
pub fn python(value: &str) -> String {
    serde_json::Value::String(value.to_string()).to_string()
}

/// A `.env` value that every common reader (bash `source`, docker compose, python-dotenv,
/// Node's dotenv) takes literally: plain when it holds only characters none of them treat
/// specially, else in single quotes (literal for all of them). `None` when it can't be written
/// safely at all (a single quote or a control character inside).
pub fn dotenv(value: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._:/@%+=,".contains(c);
    if value.chars().all(plain) {
        return Some(value.to_string());
    }
    if value.contains('\'') || value.chars().any(char::is_control) {
        return None;
    }
    Some(format!("'{value}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_quotes_what_would_end_its_literal() {
        assert_eq!(sh("https://api.powerbi.com"), "'https://api.powerbi.com'");
        assert_eq!(sh("a'b"), r"'a'\''b'");
        assert_eq!(sh("$(touch x)`id`"), "'$(touch x)`id`'");
        assert_eq!(powershell("contoso.com"), "'contoso.com'");
        assert_eq!(powershell("a'b"), "'a''b'");
        assert_eq!(
            powershell("a\u{2019}+(ni x)+\u{2019}"),
            "'a\u{2019}\u{2019}+(ni x)+\u{2019}\u{2019}'"
        );
        assert_eq!(powershell("$(ni x)"), "'$(ni x)'");
        assert_eq!(
            python("a\"+__import__('os')+\"\\\n"),
            r#""a\"+__import__('os')+\"\\\n""#
        );
        assert_eq!(
            dotenv("https://login.microsoftonline.com/contoso.com").as_deref(),
            Some("https://login.microsoftonline.com/contoso.com")
        );
        assert_eq!(dotenv("a b$(x)").as_deref(), Some("'a b$(x)'"));
        assert_eq!(dotenv("~/x").as_deref(), Some("'~/x'"));
        assert_eq!(dotenv("a'b"), None);
        assert_eq!(dotenv("a\nB=1"), None);
    }

    /// PowerShell is not installed on the build machines, so its quoting is checked here by
    /// reading the literal back the way PowerShell's tokenizer does: a single-quote character
    /// followed by another is one literal quote; one alone ends the string.
    #[test]
    fn a_powershell_literal_reads_back_whole() {
        let is_quote =
            |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
        for v in [
            "plain",
            "'",
            "''",
            "a\u{2018}b",
            "\u{201B}'+$(ni M)+'",
            "end'",
        ] {
            let lit = powershell(v);
            let mut chars = lit.chars().skip(1).peekable();
            let mut read = String::new();
            let mut rest = String::new();
            while let Some(c) = chars.next() {
                if is_quote(c) {
                    match chars.peek() {
                        Some(&n) if is_quote(n) => {
                            read.push(c);
                            chars.next();
                        }
                        _ => {
                            rest = chars.collect();
                            break;
                        }
                    }
                } else {
                    read.push(c);
                }
            }
            assert_eq!((read.as_str(), rest.as_str()), (v, ""), "{lit}");
        }
    }
}
