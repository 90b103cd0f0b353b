//! The demo's pictures: drawings made at start with the image crate (no file to ship), each
//! attached with its text alternative to a proposal or a project.

use diesel::prelude::*;

use crate::app::AppState;
use crate::db::schema::users;
use crate::domain::accounts::User;
use crate::domain::Error;

use super::ADMIN_EMAIL;

/// Drawn pictures on the first proposals and projects (made here with the `image` crate, so the
/// demo needs no image file), stored as an upload would be: checked, re-encoded, then recorded.
pub(super) fn seed_pictures(state: &AppState) -> Result<(), Error> {
    use crate::db::schema::{attachments, budget_projects, proposals as proposal_rows};
    use crate::domain::attachments::{self as att, Details, NewAttachment, OwnerKind};
    let (count, staff, proposals, projects) = state.db.read_blocking(|conn| {
        let count: i64 = attachments::table.count().get_result(conn)?;
        let staff: User = users::table
            .filter(users::email.eq(ADMIN_EMAIL))
            .select(User::as_select())
            .first(conn)?;
        let proposals: Vec<String> = proposal_rows::table
            .order(proposal_rows::created_at.asc())
            .select(proposal_rows::id)
            .limit(2)
            .load(conn)?;
        let projects: Vec<String> = budget_projects::table
            .order(budget_projects::code.asc())
            .select(budget_projects::id)
            .limit(2)
            .load(conn)?;
        Ok::<_, Error>((count, staff, proposals, projects))
    })?;
    if count > 0 {
        return Ok(());
    }
    let owners = proposals
        .into_iter()
        .map(|id| (OwnerKind::Proposal, id))
        .chain(projects.into_iter().map(|id| (OwnerKind::Project, id)));
    for (i, (kind, owner_id)) in owners.enumerate() {
        let alt = DRAWING_ALTS[i % DRAWING_ALTS.len()];
        let accepted = att::inspect(drawing(i as u32), state.config.image_max_pixels)
            .map_err(|m| Error::invalid("file", m))?;
        let id = att::next_id();
        if let att::Accepted::Image { files, .. } = &accepted {
            state
                .uploads
                .put(&id, files)
                .map_err(|e| Error::Db(crate::db::DbError::Task(e.to_string())))?;
        }
        let staff = staff.clone();
        state.db.write_blocking(move |conn| {
            let owner = att::visible_owner(conn, kind, &owner_id, Some(&staff))?;
            let details = Details {
                alt_text: alt.into(),
                file_name: "dessin.png".into(),
            };
            att::add(
                conn,
                NewAttachment {
                    id: &id,
                    owner: &owner,
                    uploader: &staff,
                    details: &details,
                    accepted: &accepted,
                },
            )
        })?;
    }
    Ok(())
}

const DRAWING_ALTS: &[&str] = &[
    "Dessin : un tilleul et un banc sur une place au soleil",
    "Dessin : deux arbres au bord d'une allée, un banc à leur ombre",
    "Dessin : une cour d'école avec un arbre et un banc",
    "Dessin : une fontaine près d'un arbre, sous un ciel clair",
];

/// A simple landscape: sky, sun, grass, a tree and a bench, placed by `variant`.
fn drawing(variant: u32) -> Vec<u8> {
    let (w, h) = (1200u32, 800u32);
    let tree_x = 300 + (variant * 210) % 600;
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as i64, y as i64);
        let near = |cx: i64, cy: i64, r: i64| (fx - cx).pow(2) + (fy - cy).pow(2) <= r * r;
        let crown = near(i64::from(tree_x), 330, 150);
        let trunk = x.abs_diff(tree_x) < 22 && (330..600).contains(&y);
        let bench = (x.abs_diff(tree_x + 260) < 110 && (540..560).contains(&y))
            || ((x.abs_diff(tree_x + 180) < 8 || x.abs_diff(tree_x + 340) < 8) && (540..600).contains(&y));
        if bench {
            image::Rgb([120, 72, 40])
        } else if trunk {
            image::Rgb([95, 60, 35])
        } else if crown {
            image::Rgb([46, 125, 50])
        } else if near(1020, 140, 70) {
            image::Rgb([250, 200, 60])
        } else if y > 560 {
            image::Rgb([110, 170, 80])
        } else {
            let t = (y * 120 / 560) as u8;
            image::Rgb([130 + t / 2, 180 + t / 3, 235])
        }
    });
    let mut out = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map(|_| out)
        .unwrap_or_default()
}
