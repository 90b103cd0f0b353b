# Budgets participatifs : bulletin, reçu, résultats, comparaison pour les services.

denied-vote-closed = Le vote est fermé pendant la phase actuelle ({ $phase }). { $opens ->
    [never] Aucune phase ultérieure ne l'ouvre.
   *[other] Il ouvre le { $opens } (UTC).
}
denied-vote-not-closed = Les résultats ne peuvent être publiés qu'après la clôture du vote.
denied-budget-has-ballots = Les projets ne peuvent plus changer une fois que des personnes ont voté.
error-not-a-count = Saisissez un nombre entier entre 0 et 10 000.
error-amount = Saisissez un montant supérieur à zéro, comme 250000 ou 1250,50.
error-currency = Saisissez un code de devise de trois lettres, comme EUR.
error-choose-one = Choisissez l'une des options.
error-min-above-max = Le minimum est supérieur au maximum.
error-slug-taken = Un autre budget de ce processus utilise déjà cette adresse.
error-project-code = Saisissez un code court sans ; , ni guillemets.
error-project-code-taken = Un autre projet de ce budget utilise déjà ce code.
error-budget-uncountable = Ce budget ne peut pas être dépouillé : { $why }.

ballot-unknown-project = Votre bulletin cite un projet qui n'est pas dans ce budget.
ballot-too-few = Choisissez au moins { $min } projet(s).
ballot-too-many = Choisissez au plus { $max } projets.
ballot-empty = Choisissez au moins un projet.
ballot-over-budget = Vos choix coûtent { $total }, plus que le budget de { $budget }. Retirez un projet et réessayez.
ballot-points = Répartissez exactement { $points } points (vous en avez donné { $given }).
ballot-choose-one = Choisissez exactement un projet.
ballot-sign-in = Connectez-vous pour voter.
ballot-already-voted = Vous avez voté. Vous pouvez modifier votre bulletin jusqu'à la clôture : le dernier compte.
ballot-legend = Votre bulletin
ballot-hint-approval = Choisissez les projets que vous soutenez.
ballot-hint-approval-max = Choisissez entre { $min } et { $max } projets.
ballot-hint-knapsack = Choisissez des projets dont le coût total tient dans le budget.
ballot-hint-cumulative = Répartissez { $points } points entre les projets.
ballot-hint-choose-1 = Choisissez un projet.
ballot-total = Choisi : { $total } { $currency }
ballot-remaining = reste : { $remaining } { $currency }
ballot-over = Au-delà du budget.
ballot-check = Mettre à jour le total
ballot-cast = Voter
ballot-change = Remplacer mon bulletin
budget-amount = Budget : { $amount } { $currency }
project-cost = { $cost } { $currency }
tallies-title = Votes à ce jour
col-project = Projet
col-cost = Coût
col-votes = Votes
col-outcome = Résultat

receipt-title = Votre bulletin est enregistré
receipt-counted = Merci : votre bulletin est enregistré.
receipt-explain = Conservez ce code de reçu. Il n'est affiché qu'une fois. Après la clôture, vous le retrouverez dans le registre des bulletins publié et pourrez vérifier que votre bulletin a été compté tel quel.
receipt-change = Voter à nouveau remplace ce bulletin et vous donne un nouveau reçu.
receipt-check-title = Vérifier votre reçu
receipt-label = Code de reçu
receipt-check = Vérifier
receipt-found = Le reçu { $receipt } figure dans le registre : ce bulletin a été compté.
receipt-not-found = Le reçu { $receipt } ne figure pas dans le registre. L'ancien reçu d'un bulletin remplacé n'y est plus.

results-see = Voir les résultats
results-title = Résultats : { $budget }
results-rule = Règle : { $rule }
results-ballots = Bulletins comptés : { $count }
results-used = Budget utilisé : { $percent } %
results-represented = Votant·es avec au moins un projet financé : { $percent } %
results-chart = Votes par projet ; projets financés en vert
results-chart-caption = Chaque barre représente les votes d'un projet ; une coche marque un projet financé.
results-table = Chaque projet, ses votes, et pourquoi il a été financé ou non
results-downloads = Téléchargements et vérification
download-json = Résultats (JSON)
download-csv = Résultats (CSV)
download-pb = Registre anonymisé des bulletins (pabulib .pb)
download-pb-digest = SHA-256 du registre :
outcome-funded = Financé
outcome-not-funded = Non financé
reason-costs-more-than-budget = coûte plus que le budget entier
reason-no-supporters = aucun vote
reason-did-not-fit = ne tenait plus dans le budget restant ({ $remaining })
reason-supporters-could-not-afford = les parts égales de ses votant·es ne suffisaient pas à le payer
reason-not-in-optimal-set = ne fait pas partie de l'ensemble à l'utilité totale maximale
rule-greedy = glouton (les plus votés d'abord)
rule-mes = Méthode des parts égales
rule-mes-add1 = Méthode des parts égales avec complétion
rule-max-utility = utilité maximale

budgets-title = Budgets
compare-title = Comparer les règles : { $budget }
compare-explain = Les mêmes bulletins dépouillés avec chaque règle. Publiez le résultat de la règle annoncée.
compare-rule = Règle
compare-funded = Projets financés
compare-used = Budget utilisé
compare-represented = Votant·es avec un projet financé
compare-supporters = Soutiens des projets financés
compare-declared = règle annoncée
compare-publish = Publier le résultat
notice-budget-published = Le résultat est publié.
utility-cost = utilité coût
utility-approval = utilité approbation
budget-compare-link = Comparer les règles et publier
