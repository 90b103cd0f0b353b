# Le bulletin en cartes, sa barre de budget, la vérification avant de voter, la page d'un projet,
# et « Ma participation ».

## La barre de budget (mise à jour par un script, ou par le bouton sans script)
ballot-bar-label = Part du budget choisie
ballot-bar-text = { $chosen } sur { $budget } choisis
ballot-bar-left = reste { $left }
ballot-bar-over = Au-delà du budget : retirez un projet pour pouvoir voter.
ballot-points-label = Points donnés
ballot-points-text = Points donnés : { $given } sur { $points }
ballot-points-left = reste { $left }
ballot-points-over = Plus de { $points } points : retirez-en pour pouvoir voter.
ballot-review = Vérifier mes choix avant de voter

## Vérifier avant de voter
review-title = Vérifiez votre bulletin
review-intro = Vous avez choisi :
review-points = { $points ->
    [one] 1 point
   *[other] { $points } points
}
review-replaces = Vous avez déjà voté : ce bulletin remplacera le précédent.
review-change = Modifier mes choix

## Un projet
project-category = Catégorie : { $category }
project-category-label = Catégorie
project-more = En savoir plus sur « { $title } »
project-back = Retour au bulletin « { $budget } »

## Ma participation
nav-participation = Ma participation
participation-title = Ma participation
participation-intro = Tout ce que vous avez fait ici, avec où cela en est.
participation-nothing = Vous n'avez encore rien fait ici. Découvrez les démarches en cours : vous pouvez y proposer une idée, soutenir celles des autres, en débattre et voter.
participation-start = Voir les démarches en cours
participation-verification = Vérification de résidence
participation-verified-census = Votre résidence est vérifiée (recensement de la commune).
participation-verified-in-person = Votre résidence est vérifiée (en mairie).
participation-not-verified = Votre résidence n'est pas vérifiée.
participation-proposals = Mes propositions
participation-endorsements = Mes soutiens
participation-comments = Mes commentaires
participation-ballots = Mes votes
participation-ballots-secret = Le vote est secret : cette page dit où vous avez voté, jamais pour quoi. Votre reçu permet de vérifier que votre bulletin a été compté.
participation-none = Rien pour l'instant.
participation-more = Seuls les { $count } plus récents sont affichés.
participation-answered = réponse officielle le { $date }
participation-comment-on = Sur « { $title } »
participation-voted-on = Voté le { $date }
participation-receipt-check = Vérifier mon reçu pour « { $budget } »
participation-receipt-later = Votre reçu pourra être vérifié dès la publication des résultats.
