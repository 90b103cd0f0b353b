//! Attachments as pages show them: a proposal's, project's or process's images (with their
//! text alternative and size, so the page does not shift as they load) and its documents (name,
//! type and size in the reader's language), and the one image a card shows.

use crate::domain::attachments::{Attachment, Shown};
use crate::i18n::Tr;

/// An image on a page: the 1200-pixel version, with the 400 one offered to narrow screens.
pub struct Picture {
    pub src: String,
    pub srcset: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

impl Picture {
    pub fn of(a: &Attachment) -> Picture {
        let (width, height) = a.dimensions(1200);
        let (small, _) = a.dimensions(400);
        // A picture no wider than the small version has nothing to choose between.
        let srcset = if small < width {
            format!("{} {small}w, {} {width}w", a.url("400"), a.url("1200"))
        } else {
            String::new()
        };
        Picture {
            src: a.url("1200"),
            srcset,
            alt: a.alt_text.clone(),
            width,
            height,
        }
    }

    /// The small version alone, for a card.
    pub fn thumb(a: &Attachment) -> Picture {
        let (width, height) = a.dimensions(400);
        Picture {
            src: a.url("400"),
            srcset: String::new(),
            alt: a.alt_text.clone(),
            width,
            height,
        }
    }
}

/// A document in a list: its name links to the download.
pub struct Document {
    pub href: String,
    pub name: String,
    /// "PDF, 1,2 Mo" in the reader's language.
    pub about: String,
}

/// What `templates/attachments/gallery.html` shows.
#[derive(Default)]
pub struct Gallery {
    pub pictures: Vec<Picture>,
    pub documents: Vec<Document>,
    /// The page where the person may add and remove attachments, if they may.
    pub manage: Option<String>,
}

impl Gallery {
    pub fn new(tr: &Tr, shown: &Shown, manage: Option<String>) -> Gallery {
        Gallery {
            pictures: shown.images.iter().map(Picture::of).collect(),
            documents: shown
                .documents
                .iter()
                .map(|d| Document {
                    href: d.url("file"),
                    name: d.file_name.clone(),
                    about: tr.t_with(
                        "attachment-document-about",
                        &[("type", "PDF".into()), ("size", file_size(tr, d.byte_size))],
                    ),
                })
                .collect(),
            manage,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pictures.is_empty() && self.documents.is_empty()
    }
}

/// A file's size as the reader's language writes it (`1,2 Mo`, `1.2 MB`).
pub fn file_size(tr: &Tr, bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        let kb = (bytes + 1023) / 1024;
        tr.t_with("attachment-size-kb", &[("size", tr.integer(kb))])
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        let text = format!("{}.{}", tenths / 10, tenths % 10);
        tr.t_with("attachment-size-mb", &[("size", tr.number(text))])
    }
}
