//! The demo's budgets: a past one with published results, and the schools' ballot open now,
//! its projects described, with a citizen's vote cast.

use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::processes::{self, ProcessForm};
use crate::domain::Error;

use super::phase;

/// The school budget's projects: code, title, cost, description (Markdown) shown on the ballot.
const SCHOOL_PROJECTS: &[(&str, &str, &str, &str)] = &[
    ("1", "Arbres et ombre dans la cour Jean-Jaurès", "18000", "Planter **six tilleuls** et installer deux voiles d'ombrage dans la cour de l'école Jean-Jaurès, la plus exposée de la ville : en juin, le sol y dépasse 50 °C.\n\nLes élèves participeront à la plantation avec le service des espaces verts."),
    ("2", "Fontaine à eau, école Pasteur", "6500", "Une fontaine d'eau potable à hauteur d'enfant, accessible en fauteuil, dans la cour de l'école Pasteur, qui n'en a aucune."),
    ("3", "Préau végétalisé, école des Tilleuls", "32000", "Couvrir le préau de l'école des Tilleuls d'une toiture végétalisée : plus frais l'été, plus calme, et un abri pour les oiseaux.\n\n- surface : 120 m²\n- travaux pendant les vacances d'été"),
    ("4", "Jeux peints au sol, trois écoles", "4800", "Marelles, labyrinthes et parcours peints au sol dans trois cours, dessinés avec les conseils d'enfants."),
    ("5", "Potager pédagogique, école du Parc", "9700", "Des bacs de potager surélevés, un récupérateur d'eau de pluie et un composteur, pour cultiver et goûter en classe."),
];

pub(super) fn seed_budgets(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    base_url: &str,
    voter: &User,
) -> Result<(), Error> {
    use crate::domain::budget_results;
    use crate::domain::budgets::{self, BudgetForm, ProjectForm};
    const TOULOUSE: &str = include_str!(
        "../../tests/data/pabulib/files/France_Toulouse_2022_10_-_Jolimont_Soupetard_Roseraie_Gloire_Gramont_Amouroux.pb"
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
