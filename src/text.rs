//! Small transformations of text that several layers need.

/// `name` with every character but ASCII letters, digits, `.`, `-` and `_` replaced by `_`: safe
/// in a file name on any system and in a quoted HTTP header value (old clients read only ASCII).
/// One character stays one character, so the length in characters is kept.
pub fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ascii_file_name;

    #[test]
    fn keeps_ascii_letters_digits_and_name_punctuation() {
        assert_eq!(ascii_file_name("Plan_v2-final.pdf"), "Plan_v2-final.pdf");
    }

    #[test]
    fn replaces_each_other_character_by_one_underscore() {
        assert_eq!(ascii_file_name("Écoles été.pdf"), "_coles__t_.pdf");
        assert_eq!(ascii_file_name("a\"b;c/d\\e\r\nf"), "a_b_c_d_e__f");
        assert_eq!(ascii_file_name("日本"), "__");
    }

    #[test]
    fn an_empty_name_stays_empty() {
        assert_eq!(ascii_file_name(""), "");
    }
}
