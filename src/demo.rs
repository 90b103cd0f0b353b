//! `plenum demo`: a demo town with processes, proposals, endorsements and comments, so that a
//! newcomer sees Plenum working a minute after cloning it.

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

fn account(
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
    accounts::insert_account(conn, prepared, role)
}

fn phase(kind: &str, from_days: i64, to_days: i64, p: bool, e: bool, c: bool) -> PhaseForm {
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

/// The school budget's projects: code, title, cost, description (Markdown) shown on the ballot.
const SCHOOL_PROJECTS: &[(&str, &str, &str, &str)] = &[
    ("1", "Arbres et ombre dans la cour Jean-Jaurès", "18000", "Planter **six tilleuls** et installer deux voiles d'ombrage dans la cour de l'école Jean-Jaurès, la plus exposée de la ville : en juin, le sol y dépasse 50 °C.\n\nLes élèves participeront à la plantation avec le service des espaces verts."),
    ("2", "Fontaine à eau, école Pasteur", "6500", "Une fontaine d'eau potable à hauteur d'enfant, accessible en fauteuil, dans la cour de l'école Pasteur, qui n'en a aucune."),
    ("3", "Préau végétalisé, école des Tilleuls", "32000", "Couvrir le préau de l'école des Tilleuls d'une toiture végétalisée : plus frais l'été, plus calme, et un abri pour les oiseaux.\n\n- surface : 120 m²\n- travaux pendant les vacances d'été"),
    ("4", "Jeux peints au sol, trois écoles", "4800", "Marelles, labyrinthes et parcours peints au sol dans trois cours, dessinés avec les conseils d'enfants."),
    ("5", "Potager pédagogique, école du Parc", "9700", "Des bacs de potager surélevés, un récupérateur d'eau de pluie et un composteur, pour cultiver et goûter en classe."),
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

fn seed_budgets(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    base_url: &str,
    voter: &User,
) -> Result<(), Error> {
    use crate::domain::budget_results;
    use crate::domain::budgets::{self, BudgetForm, ProjectForm};
    const TOULOUSE: &str = include_str!(
        "../tests/data/pabulib/files/France_Toulouse_2022_10_-_Jolimont_Soupetard_Roseraie_Gloire_Gramont_Amouroux.pb"
    );
    let past = processes::create(
        conn,
        &ProcessForm {
            slug: "budget-2022-jolimont".into(),
            title: "Budget participatif 2022 — Jolimont, Soupetard, Roseraie".into(),
            description: "Les bulletins réels du budget participatif 2022 de Toulouse (quartier 10), publiés par pabulib.org, rejoués ici : comparez les règles de dépouillement et vérifiez le résultat.".into(),
            scope: "Quartier 10".into(),
            categories: String::new(),
        },
    )?;
    processes::add_phase(conn, &past.id, &phase("vote", -40, -10, false, false, false))?;
    processes::add_phase(conn, &past.id, &phase("results", -10, 400, false, false, false))?;
    processes::set_published(conn, &past.id, true)?;
    let election = crate::budgeting::pabulib::parse_str(TOULOUSE)
        .map_err(|e| Error::Conflict(crate::domain::Msg::new("error-budget-uncountable").arg("why", e)))?;
    let budget = budgets::import(
        conn,
        &past.id,
        "quartier-10",
        "Quartier 10 (2022)",
        "EUR",
        "mes-add1",
        &election,
    )?;
    let detail = processes::detail_by_id(conn, &past.id)?;
    budget_results::publish(conn, secret_key, base_url, &detail, &budget)?;

    let schools = processes::create(
        conn,
        &ProcessForm {
            slug: "ecoles-2027".into(),
            title: "Mini-budget des écoles 2027".into(),
            description:
                "50 000 € pour les cours d'école. Choisissez les projets dont le total tient dans le budget."
                    .into(),
            scope: "Toute la ville".into(),
            categories: String::new(),
        },
    )?;
    processes::add_phase(conn, &schools.id, &phase("vote", -1, 30, false, false, false))?;
    processes::set_published(conn, &schools.id, true)?;
    let budget = budgets::create(
        conn,
        &schools.id,
        &BudgetForm {
            slug: "cours".into(),
            title: "Cours d'école".into(),
            amount: "50000".into(),
            currency: "EUR".into(),
            ballot_type: "knapsack".into(),
            rule: "mes-add1".into(),
            ..BudgetForm::default()
        },
    )?;
    for (code, title, cost, description) in SCHOOL_PROJECTS {
        budgets::add_project(
            conn,
            &budget,
            &ProjectForm {
                code: (*code).into(),
                title: (*title).into(),
                cost: (*cost).into(),
                description: (*description).into(),
                ..ProjectForm::default()
            },
        )?;
    }
    // The demo citizen has voted (her page lists the vote; its receipt was shown once).
    let detail = processes::detail_by_id(conn, &schools.id)?;
    let projects = budgets::projects(conn, &budget.id)?;
    let input = crate::domain::ballots::BallotInput {
        choices: vec!["1".into(), "2".into(), "4".into()],
        points: vec![1, 1, 1],
        malformed: Vec::new(),
    };
    crate::domain::ballots::cast(conn, secret_key, &detail, &budget, &projects, voter, &input)?;
    Ok(())
}

/// Drawn pictures on the first proposals and projects (made here with the `image` crate, so the
/// demo needs no image file), stored as an upload would be: checked, re-encoded, then recorded.
fn seed_pictures(state: &AppState) -> Result<(), Error> {
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
