//! Escaping for the XML formats (checkstyle, JUnit).
//!
//! XML 1.0 cannot hold most control characters at all, not even as character references,
//! so they become U+FFFD; tab, line feed and carriage return are kept (as character
//! references where a parser would otherwise normalise them away).

/// Escapes text for an attribute value in double or single quotes. Tabs and line breaks
/// become character references, since parsers turn literal ones into spaces.
pub fn attr(text: &str) -> String {
    escape(text, true)
}

/// Escapes text for element content. Line feeds and tabs stay literal; a carriage return
/// becomes `&#13;`, since parsers turn a literal one into a line feed.
pub fn text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' if in_attribute => out.push_str(&format!("&#{};", u32::from(c))),
            '\t' | '\n' => out.push(c),
            // Not allowed in XML 1.0 documents in any form.
            '\0'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            // Allowed but discouraged: keep them visible and unambiguous.
            '\u{7f}'..='\u{9f}' => out.push_str(&format!("&#x{:X};", u32::from(c))),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            attr(r#"a<b>&"c" 'd'"#),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(text("x && y < z"), "x &amp;&amp; y &lt; z");
    }

    #[test]
    fn keeps_line_breaks_through_parsing() {
        assert_eq!(attr("a\tb\nc\r\nd"), "a&#9;b&#10;c&#13;&#10;d");
        assert_eq!(text("a\tb\nc\r\nd"), "a\tb\nc&#13;\nd");
    }

    #[test]
    fn replaces_characters_xml_cannot_hold() {
        assert_eq!(
            attr("a\0b\u{1b}[0m\u{ffff}"),
            "a\u{fffd}b\u{fffd}[0m\u{fffd}"
        );
        assert_eq!(text("\u{7f}\u{85}"), "&#x7F;&#x85;");
        assert_eq!(text("构建 🚀"), "构建 🚀");
    }
}
