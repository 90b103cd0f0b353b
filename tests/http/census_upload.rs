//! The uploaded census is plaintext personal data: it must not stay on the disk after an upload,
//! whether the upload succeeds, is refused, is cut off, or is abandoned by the client, and a
//! partial upload must not replace the census.

use axum::body::{Body, Bytes};
use axum::http::{header, Method, Request};
use futures::StreamExt;

use crate::census::{entries, upload, BOUNDARY};
use crate::common::{Browser, TestApp};

/// Files directly in the temporary directory that contain `marker` (where the old import wrote
/// its copy of the upload).
fn files_containing(marker: &str) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.metadata().is_ok_and(|m| m.len() < 1 << 20))
        .filter(|p| std::fs::read(p).is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(marker)))
        .collect()
}

/// A marker no other test uses, as a document number.
fn marker() -> String {
    format!("MARK{}", uuid::Uuid::new_v4().simple())
}

fn multipart_start(csv: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"census.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}"
    )
}

fn import_request(b: &Browser, body: Body) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/admin/census/import?csrf={}", b.csrf()))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .expect("request")
}

#[tokio::test]
async fn census_upload_leaves_no_plaintext_file_after_success_or_a_bad_csv() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("sam").await;
    let mark = marker();
    let bad = format!("document;birth_date;postcode\n{mark};01/02/1990;31000\n{mark}2;1985-04-03\n");
    upload(&mut staff, &bad).await.assert_status(422);
    assert_eq!(files_containing(&mark), Vec::<std::path::PathBuf>::new());
    let good = format!("document;birth_date;postcode\n{mark};01/02/1990;31000\n");
    upload(&mut staff, &good).await.assert_status(303);
    assert_eq!(entries(&app).await, 1);
    assert_eq!(files_containing(&mark), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn census_upload_cut_off_before_its_end_changes_nothing() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("sam").await;
    upload(
        &mut staff,
        "document;birth_date;postcode\nAB1;01/02/1990;31000\nCD2;1985-04-03;31100\n",
    )
    .await
    .assert_status(303);
    staff.get("/admin/census").await;
    // Only the first of many lines arrived, and no closing boundary: a broken connection.
    let mark = marker();
    let body = multipart_start(&format!(
        "document;birth_date;postcode\n{mark};01/02/1990;31000\n"
    ));
    let page = staff.send(import_request(&staff, Body::from(body))).await;
    page.assert_status(400).assert_contains("did not arrive whole");
    assert_eq!(entries(&app).await, 2, "the census is unchanged");
    assert_eq!(files_containing(&mark), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn census_upload_abandoned_by_the_client_leaves_no_plaintext_on_disk() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("sam").await;
    staff.get("/admin/census").await;
    let mark = marker();
    let first = Bytes::from(multipart_start(&format!(
        "document;birth_date;postcode\n{mark};01/02/1990;31000\nEF3;03/03/1980;31000\nGH4;04/04/1970;31000\n"
    )));
    // The client sends the start of the file, then nothing more: the request is dropped.
    let stream = futures::stream::iter([Ok::<_, std::io::Error>(first)]).chain(futures::stream::pending());
    let request = import_request(&staff, Body::from_stream(stream));
    let abandoned = tokio::time::timeout(std::time::Duration::from_secs(2), staff.send(request)).await;
    assert!(abandoned.is_err(), "the upload never ends");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(files_containing(&mark), Vec::<std::path::PathBuf>::new());
    assert_eq!(entries(&app).await, 0);
}
