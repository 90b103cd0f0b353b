//! `plenum demo`: a demo town with processes, proposals, endorsements and comments, so that a
//! newcomer sees Plenum working a minute after cloning it.

mod budgets;
mod pictures;

use budgets::seed_budgets;
use pictures::seed_pictures;

use chrono::Duration;
use diesel::prelude::*;

use crate::app::AppState;
use crate::config::Config;
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::domain::accounts::{self, NewAccount, User};
use crate::domain::notifications::events;
use crate::domain::processes::{self, PhaseForm, ProcessForm};
use crate::domain::proposals::{self, ProposalForm};
use crate::domain::subscriptions::{self, Target};
use crate::domain::{comments, endorsements, now, password, sessions, Error};

const ADMIN_EMAIL: &str = "accueil@ville-demo.fr";
/// The demo citizen one may sign in as, to see a citizen's pages ("Ma participation").
const CITIZEN_EMAIL: &str = "camille@exemple.fr";

/// Seeds the database (once) and serves it.
pub fn run(bind: &str) -> anyhow::Result<()> {
    if std::env::var("DATABASE_URL").is_err() {
        std::env::set_var("DATABASE_URL", "sqlite://plenum-demo.db");
    }
    if std::env::var("PLENUM_TOWN_NAME").is_err() {
        std::env::set_var("PLENUM_TOWN_NAME", "Ville de Démo");
    }
    std::env::set_var("PLENUM_BIND", bind);
    // A newcomer signs in with the printed password alone; two-factor sign-in is there to try
    // (the start message says where), and `PLENUM_STAFF_TWO_FACTOR=required` makes it mandatory.
    if std::env::var("PLENUM_STAFF_TWO_FACTOR").is_err() {
        std::env::set_var("PLENUM_STAFF_TWO_FACTOR", "optional");
    }
    // A newcomer who signs up takes part at once; the confirmation mail still goes to the mail
    // folder, and `PLENUM_REQUIRE_EMAIL_CONFIRMATION=true` makes following its link required.
    if std::env::var("PLENUM_REQUIRE_EMAIL_CONFIRMATION").is_err() {
        std::env::set_var("PLENUM_REQUIRE_EMAIL_CONFIRMATION", "false");
    }
    // The demo needs no SMTP server: what it would send is written to a folder.
    if std::env::var("PLENUM_SMTP_URL").is_err() && std::env::var("PLENUM_MAIL_DIR").is_err() {
        std::env::set_var("PLENUM_MAIL_DIR", "plenum-demo-mail");
    }
    let config = Config::load(None)?;
    let state = AppState::new(config)?;
    let admin_password = sessions::new_secret()[..16].to_string();
    let hash = password::hash(&admin_password);
    let citizen_password = sessions::new_secret()[..16].to_string();
    let citizen_hash = password::hash(&citizen_password);
    state
        .db
        .write_blocking(|c| {
            seed(
                c,
                &state.config.secret_key,
                &hash,
                state.config.public_url.as_str(),
            )?;
            // The demo citizen's password is new at each start too.
            diesel::update(users::table.filter(users::email.eq(CITIZEN_EMAIL)))
                .set(users::password_hash.eq(&citizen_hash))
                .execute(c)?;
            Ok::<_, Error>(())
        })
        .map_err(|e| anyhow::anyhow!(crate::cli::describe(&state, &e)))?;
    seed_pictures(&state).map_err(|e| anyhow::anyhow!(crate::cli::describe(&state, &e)))?;
    println!();
    println!("  Plenum demo town is running: {}", state.config.public_url);
    println!("  Staff sign-in (one-time password, new at each start):");
    println!("    e-mail:   {ADMIN_EMAIL}");
    println!("    password: {admin_password}");
    println!(
        "  Two-factor sign-in for staff: {} here (PLENUM_STAFF_TWO_FACTOR); turn it on at {}account/two-factor",
        match state.config.staff_two_factor {
            crate::config::StaffTwoFactor::Required => "required",
            crate::config::StaffTwoFactor::Optional => "optional",
        },
        state.config.public_url
    );
    println!("  Citizen sign-in (Camille, who has proposed, endorsed, commented and voted):");
    println!("    e-mail:   {CITIZEN_EMAIL}");
    println!("    password: {citizen_password}");
    println!("  Database: {}", state.config.database_url);
    println!(
        "  News of every process (Atom feed): {}feed.atom",
        state.config.public_url
    );
    match &state.config.mail.transport {
        crate::config::MailTransport::Dir(dir) => println!(
            "  Mail is not sent but written as .eml files to: {}",
            std::fs::canonicalize(dir)
                .unwrap_or_else(|_| dir.clone())
                .display()
        ),
        crate::config::MailTransport::Smtp(_) => println!("  Mail is sent through PLENUM_SMTP_URL"),
        crate::config::MailTransport::None => {}
    }
    println!();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // Today's digests of the seeded notifications (staff's and the residents'), once a day:
    // the first mails of the folder.
    let digests = rt.block_on(crate::mail::worker::digests(&state, chrono::Utc::now(), 0))?;
    if digests > 0 {
        println!("  {digests} digest(s) of the seeded notifications queued for that folder.");
        println!();
    }
    rt.block_on(crate::web::serve(state))
}

/// Creates the demo content unless it is there already; always resets the staff password.
pub fn seed(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    admin_hash: &str,
    base_url: &str,
) -> Result<(), Error> {
    let already = users::table
        .filter(users::email.eq(ADMIN_EMAIL))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !already {
        seed_content(conn, secret_key, base_url)?;
    }
    diesel::update(users::table.filter(users::email.eq(ADMIN_EMAIL)))
        .set(users::password_hash.eq(admin_hash))
        .execute(conn)?;
    Ok(())
}

pub(super) fn account(
    conn: &mut AnyConnection,
    username: &str,
    name: &str,
    email: &str,
    role: accounts::Role,
) -> Result<User, Error> {
    // Demo citizens get a random password nobody knows; only the staff account is usable.
    let prepared = accounts::prepare_account(&NewAccount {
        email: email.into(),
        username: username.into(),
        display_name: name.into(),
        password: sessions::new_secret(),
    })?;
    accounts::insert_account(conn, prepared, role, true)
}

pub(super) fn phase(kind: &str, from_days: i64, to_days: i64, p: bool, e: bool, c: bool) -> PhaseForm {
    let today = now();
    PhaseForm {
        kind: kind.into(),
        starts_at: today + Duration::days(from_days),
        ends_at: today + Duration::days(to_days),
        proposals_enabled: p,
        endorsements_enabled: e,
        comments_enabled: c,
    }
}

const BUDGET_PROPOSALS: &[(&str, &str, usize)] = &[
    ("Des bancs ombragés place du Marché", "Installer **six bancs** sous les platanes de la place du Marché, pour que les personnes âgées puissent s'y reposer l'été.\n\n- coût estimé : 12 000 €\n- entretien : services techniques", 0),
    ("Une piste cyclable continue vers le lycée", "Relier le quartier des Tilleuls au lycée Jean-Moulin par une piste cyclable séparée de la route, sur 1,2 km.", 1),
    ("Un jardin partagé rue des Écoles", "Transformer la friche de la rue des Écoles en jardin partagé, avec des bacs accessibles en fauteuil roulant et un composteur collectif.", 2),
    ("Fontaines à eau dans les parcs", "Installer des fontaines d'eau potable dans les trois grands parcs, utiles aux familles et aux sportifs pendant les fortes chaleurs.", 2),
    ("Une boîte à livres dans chaque quartier", "Installer des boîtes à livres en bois, fabriquées par l'atelier du lycée professionnel, dans les huit quartiers de la ville.", 3),
    ("Éclairage solaire du chemin de halage", "Le chemin de halage est très sombre l'hiver. Des bornes solaires à détection de présence le rendraient plus sûr sans gaspiller d'énergie.", 1),
    ("Un local pour les associations de jeunes", "Mettre à disposition un local de quartier, ouvert le soir et le week-end, géré par les associations de jeunes.", 4),
    ("Des toilettes publiques accessibles au centre-ville", "Il n'existe aucune toilette publique accessible aux personnes en fauteuil au centre-ville. Nous proposons d'en installer deux.", 4),
];

fn seed_content(conn: &mut AnyConnection, secret_key: &[u8], base_url: &str) -> Result<(), Error> {
    let staff = account(
        conn,
        "accueil",
        "Services de la ville",
        ADMIN_EMAIL,
        accounts::Role::Admin,
    )?;
    let people = [
        ("camille", "Camille Martin"),
        ("yanis", "Yanis Benali"),
        ("lea", "Léa Dubois"),
        ("thomas", "Thomas Nguyen"),
        ("ines", "Inès Lefèvre"),
        ("hugo", "Hugo Moreau"),
    ];
    let mut citizens = Vec::new();
    for (username, name) in people {
        citizens.push(account(
            conn,
            username,
            name,
            &format!("{username}@exemple.fr"),
            accounts::Role::Citizen,
        )?);
    }

    let budget = processes::create(
        conn,
        &ProcessForm {
            slug: "budget-2027".into(),
            title: "Budget participatif 2027".into(),
            description: "La ville consacre **500 000 €** de son budget d'investissement à des projets proposés et choisis par les habitantes et les habitants.\n\nDéposez vos idées jusqu'à la fin de la phase de propositions, soutenez celles des autres et débattez-en. Les services évalueront la faisabilité de chaque proposition avant le vote.".into(),
            scope: "Toute la ville".into(),
            categories: "Mobilité\nEspaces verts\nCadre de vie\nCulture\nSolidarité".into(),
        },
    )?;
    processes::add_phase(
        conn,
        &budget.id,
        &phase("information", -30, -10, false, false, true),
    )?;
    processes::add_phase(conn, &budget.id, &phase("proposals", -10, 20, true, true, true))?;
    processes::add_phase(conn, &budget.id, &phase("evaluation", 20, 50, false, true, true))?;
    processes::add_phase(conn, &budget.id, &phase("vote", 50, 65, false, false, false))?;
    processes::add_phase(conn, &budget.id, &phase("results", 65, 400, false, false, false))?;
    processes::set_published(conn, &budget.id, true)?;
    let detail = processes::detail_by_id(conn, &budget.id)?;

    let mut created = Vec::new();
    for (i, (title, body, category)) in BUDGET_PROPOSALS.iter().enumerate() {
        let author = &citizens[i % citizens.len()];
        let p = proposals::create(
            conn,
            &detail,
            author,
            &ProposalForm {
                title: (*title).into(),
                body: (*body).into(),
                category_id: detail.categories.get(*category).map(|c| c.id.clone()),
            },
        )?;
        // A varied number of endorsements, so that sorting by support means something.
        for supporter in citizens.iter().take((i * 5 + 3) % (citizens.len() + 1)) {
            endorsements::endorse(conn, &detail, &p, supporter)?;
        }
        // As the app's action does: authors follow their proposals.
        subscriptions::follow(conn, &author.id, Target::Proposal, &p.id)?;
        created.push(p);
    }
    let first = &created[0];
    // The staff account (the one a newcomer signs in with) follows the first proposal, so that
    // its notifications page shows the comments below.
    subscriptions::follow(conn, &staff.id, Target::Proposal, &first.id)?;
    let c1 = comments::add(
        conn,
        &detail,
        first,
        &citizens[1],
        &comments::CommentForm {
            body: "Très bonne idée, la place est écrasée de soleil en juillet.".into(),
            stance: "for".into(),
            parent_id: None,
        },
    )?;
    let c2 = comments::add(
        conn,
        &detail,
        first,
        &citizens[2],
        &comments::CommentForm {
            body: "D'accord, mais attention à ne pas gêner le marché du samedi.".into(),
            stance: "neutral".into(),
            parent_id: Some(c1.id.clone()),
        },
    )?;
    let c3 = comments::add(
        conn,
        &detail,
        &created[1],
        &citizens[3],
        &comments::CommentForm {
            body: "La route est trop étroite à cet endroit, il faudrait supprimer du stationnement.".into(),
            stance: "against".into(),
            parent_id: None,
        },
    )?;
    // The demo citizen one may sign in as has a comment of her own to find on her page.
    let c4 = comments::add(
        conn,
        &detail,
        &created[1],
        &citizens[0],
        &comments::CommentForm {
            body: "Une piste séparée rassurerait les parents : beaucoup d'élèves viendraient à vélo.".into(),
            stance: "for".into(),
            parent_id: None,
        },
    )?;
    proposals::answer(
        conn,
        &created[7].id,
        proposals::ProposalState::Evaluating.as_str(),
        "Les services techniques étudient les emplacements possibles avec l'association des paralysés de France.",
    )?;
    seed_notifications(conn, &staff, &created, &[c1, c2, c3, c4])?;

    let berges = processes::create(
        conn,
        &ProcessForm {
            slug: "berges-2026".into(),
            title: "Concertation : l'aménagement des berges".into(),
            description: "Comment voulez-vous profiter des berges de la rivière ? Les propositions sont closes ; la ville y a répondu une par une.".into(),
            scope: "Quartier des Berges".into(),
            categories: "Loisirs\nNature".into(),
        },
    )?;
    processes::add_phase(conn, &berges.id, &phase("proposals", -60, 1, true, true, true))?;
    processes::set_published(conn, &berges.id, true)?;
    let detail = processes::detail_by_id(conn, &berges.id)?;
    let ideas = [
        ("Une aire de pique-nique sous les saules", proposals::ProposalState::Accepted.as_str(), "Acceptée : l'aire sera aménagée au printemps, avec six tables dont deux accessibles."),
        ("Un ponton de baignade", proposals::ProposalState::Rejected.as_str(), "Rejetée : la qualité de l'eau ne permet pas la baignade, selon les analyses de l'agence régionale de santé."),
    ];
    for (i, (title, state, answer)) in ideas.iter().enumerate() {
        let p = proposals::create(
            conn,
            &detail,
            &citizens[i + 3],
            &ProposalForm {
                title: (*title).into(),
                body: "Proposition déposée pendant la concertation publique des berges, au printemps.".into(),
                category_id: detail.categories.get(i).map(|c| c.id.clone()),
            },
        )?;
        endorsements::endorse(conn, &detail, &p, &citizens[0])?;
        proposals::answer(conn, &p.id, state, answer)?;
    }
    // The proposals phase is over: move the process into evaluation.
    let proposals_phase = detail.phases[0].id.clone();
    processes::update_phase(
        conn,
        &berges.id,
        &proposals_phase,
        &phase("proposals", -60, -5, true, true, true),
    )?;
    processes::add_phase(conn, &berges.id, &phase("evaluation", -5, 30, false, false, true))?;
    seed_budgets(conn, secret_key, base_url, &citizens[0])?;
    Ok(())
}

/// A real past election replayed (Toulouse 2022, district 10: 393 ballots from pabulib), counted
/// and published, and a small budget whose vote is open now, so both ends can be tried.
/// The notifications the actions above would have raised had people made them in the app.
fn seed_notifications(
    conn: &mut AnyConnection,
    staff: &User,
    created: &[proposals::Proposal],
    comments: &[comments::Comment],
) -> Result<(), Error> {
    for comment in comments {
        let proposal = proposals::find(conn, &comment.proposal_id)?;
        events::commented(conn, &proposal, comment)?;
    }
    let answered = proposals::find(conn, &created[7].id)?;
    let text = answered.answer.clone().unwrap_or_default();
    events::answered(conn, &answered, &answered.state, &text, &staff.id)?;
    Ok(())
}
