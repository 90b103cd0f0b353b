//! What an uploaded file really is, decided from its bytes (never its name or the type the
//! browser claims), and what of it is kept: an image is decoded (after its dimensions are read
//! from its header and checked, so a small file claiming a huge picture is refused before any
//! pixel is allocated) and written anew in a few widths, so nothing of the uploaded bytes is ever
//! served (EXIF and GPS data, a script hidden in a comment or after the end of the picture); a
//! PDF is kept as it is, and only ever served as a download.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::domain::Msg;

/// The widths an image is kept in (a narrower original is not enlarged).
pub const WIDTHS: [u32; 2] = [400, 1200];

/// No side may be longer than this, whatever the pixel budget.
const MAX_SIDE: u32 = 20_000;

/// A file accepted, as it will be stored.
#[derive(Debug)]
pub enum Accepted {
    /// An image, re-encoded: one file per width in [`WIDTHS`], in that order; `width`/`height`
    /// are those of the largest.
    Image {
        content_type: &'static str,
        width: u32,
        height: u32,
        files: Vec<(String, Vec<u8>)>,
    },
    /// A PDF, kept as sent.
    Document {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

/// The formats an upload is recognised as, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Image(ImageFormat),
    Pdf,
}

fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Sniffed::Image(ImageFormat::Jpeg))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Sniffed::Image(ImageFormat::Png))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Sniffed::Image(ImageFormat::WebP))
    } else if bytes.starts_with(b"%PDF-") {
        Some(Sniffed::Pdf)
    } else {
        None
    }
}

/// Checks an upload and makes what is stored of it; the error says what is wrong, for the
/// person who sent it. `max_pixels` bounds an image's width × height.
pub fn inspect(bytes: Vec<u8>, max_pixels: u64) -> Result<Accepted, Msg> {
    match sniff(&bytes) {
        Some(Sniffed::Image(format)) => image(&bytes, format, max_pixels),
        Some(Sniffed::Pdf) => pdf(bytes),
        None => Err(Msg::new("attachment-error-type")),
    }
}

fn image(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<Accepted, Msg> {
    let too_big = || Msg::new("attachment-error-dimensions").arg("megapixels", max_pixels / 1_000_000);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Four bytes a pixel for the decoded picture, and as much again for the work of resizing.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(),
        _ => Msg::new("attachment-error-image"),
    })?;
    // The header's claim, before a single pixel is decoded.
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(Msg::new("attachment-error-image"));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(too_big());
    }
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(),
        _ => Msg::new("attachment-error-image"),
    })?;
    // A phone's photo is stored sideways with a tag saying so; the tag is dropped with the rest
    // of the metadata, so the turn is made on the pixels.
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    let keeps_alpha = picture.color().has_alpha();
    let (content_type, encode): (&'static str, Encoder) = if keeps_alpha {
        ("image/png", encode_png)
    } else {
        ("image/jpeg", encode_jpeg)
    };
    let mut files = Vec::new();
    let mut largest = (0, 0);
    // Largest first, then each smaller one from the one before: cheaper than from the original.
    let mut source = picture;
    for target in WIDTHS.iter().rev() {
        let resized = fit_width(&source, *target);
        if largest == (0, 0) {
            largest = (resized.width(), resized.height());
        }
        files.push((target.to_string(), encode(&resized)?));
        source = resized;
    }
    files.reverse();
    Ok(Accepted::Image {
        content_type,
        width: largest.0,
        height: largest.1,
        files,
    })
}

/// Writes a picture in one format.
type Encoder = fn(&DynamicImage) -> Result<Vec<u8>, Msg>;

/// `picture` at most `width` wide, keeping its proportions (never enlarged).
fn fit_width(picture: &DynamicImage, width: u32) -> DynamicImage {
    if picture.width() <= width {
        return picture.clone();
    }
    let height = (u64::from(picture.height()) * u64::from(width) / u64::from(picture.width())).max(1) as u32;
    picture.resize_exact(width, height, image::imageops::FilterType::Triangle)
}

fn encode_jpeg(picture: &DynamicImage) -> Result<Vec<u8>, Msg> {
    let mut out = Vec::new();
    let rgb = picture.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|_| Msg::new("attachment-error-image"))?;
    Ok(out)
}

fn encode_png(picture: &DynamicImage) -> Result<Vec<u8>, Msg> {
    let mut out = Vec::new();
    picture
        .to_rgba8()
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| Msg::new("attachment-error-image"))?;
    Ok(out)
}

/// A PDF is kept whole (it is only ever served as a download, `nosniff`), but one that carries
/// markup at its start is refused: it is made to be read as a web page by something.
fn pdf(bytes: Vec<u8>) -> Result<Accepted, Msg> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    if ["<html", "<script", "<svg", "<!doctype", "<body", "<iframe"]
        .iter()
        .any(|tag| head.contains(tag))
    {
        return Err(Msg::new("attachment-error-type"));
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Msg::new("attachment-error-pdf"));
    }
    Ok(Accepted::Document {
        content_type: "application/pdf",
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_rgb8(width, height)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn a_wide_image_is_kept_in_each_width_with_its_proportions() {
        let Accepted::Image {
            width, height, files, ..
        } = inspect(png(2400, 1200), 40_000_000).expect("accepted")
        else {
            panic!("an image")
        };
        assert_eq!((width, height), (1200, 600));
        let sizes: Vec<_> = files.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(sizes, ["400", "1200"]);
        let small = image::load_from_memory(&files[0].1).expect("decodes");
        assert_eq!((small.width(), small.height()), (400, 200));
    }

    #[test]
    fn a_small_image_is_not_enlarged() {
        let Accepted::Image { width, height, .. } = inspect(png(300, 100), 40_000_000).expect("accepted")
        else {
            panic!("an image")
        };
        assert_eq!((width, height), (300, 100));
    }

    #[test]
    fn text_is_not_a_file_we_take() {
        assert_eq!(
            inspect(b"<script>alert(1)</script>".to_vec(), 40_000_000)
                .unwrap_err()
                .key,
            "attachment-error-type"
        );
    }

    #[test]
    fn a_pdf_that_opens_with_markup_is_refused() {
        let bytes = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n".to_vec();
        assert_eq!(inspect(bytes, 1).unwrap_err().key, "attachment-error-type");
        let fine = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        assert!(matches!(inspect(fine, 1), Ok(Accepted::Document { .. })));
    }
}
