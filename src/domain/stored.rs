//! Values the database stores as text (a rule, a state, a role, a phase kind) read into enums, so
//! that code matches on them and the compiler finds every place a new value must be handled.
//!
//! The columns stay text: both engines store them alike, and a row written by a newer version
//! (a value this one does not know) is read as the type's stated fallback, never a panic.

/// A stored text that is not one of the values its type knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {}: {:?}", self.kind, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// An enum stored as text: `ALL` (in the order forms list them), `as_str`, `parse`, `Display`
/// and serialisation as its text.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> ::std::result::Result<$name, $crate::domain::stored::UnknownValue> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::stored::UnknownValue {
                        kind: stringify!($name),
                        // Bounded: the text may come from a form or a peer.
                        value: text.chars().take(64).collect(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_enum;

#[cfg(test)]
mod tests {
    stored_enum! {
        /// A test type.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark-blue",
        }
    }

    #[test]
    fn every_value_reads_back_and_unknown_text_is_an_error() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.as_str()), Ok(*colour));
            assert_eq!(colour.to_string(), colour.as_str());
        }
        let long = "x".repeat(1000);
        let err = Colour::parse(&long).unwrap_err();
        assert_eq!(err.kind, "Colour");
        assert_eq!(err.value.len(), 64);
        assert!(Colour::parse("Red").is_err(), "text is matched exactly");
        assert_eq!(serde_json::to_value(Colour::DarkBlue).unwrap(), "dark-blue");
    }
}
